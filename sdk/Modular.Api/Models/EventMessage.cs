using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>One object of the <c>GET /events</c> stream.</summary>
public sealed class EventMessage
{
    /// <summary>Legacy field (removed in API 1.52): the action, for containers and images.</summary>
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; set; }

    /// <summary>Legacy field (removed in API 1.52): the actor's id.</summary>
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; set; }

    /// <summary>Legacy field (removed in API 1.52): the container's image.</summary>
    [JsonPropertyName("from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? From { get; set; }

    [JsonPropertyName("Type")] public string Type { get; set; } = "";
    [JsonPropertyName("Action")] public string Action { get; set; } = "";
    [JsonPropertyName("Actor")] public EventActor Actor { get; set; } = new();
    [JsonPropertyName("scope")] public string Scope { get; set; } = "local";
    [JsonPropertyName("time")] public long Time { get; set; }
    [JsonPropertyName("timeNano")] public long TimeNano { get; set; }
}

/// <summary>The object an event is about.</summary>
public sealed class EventActor
{
    [JsonPropertyName("ID")] public string ID { get; set; } = "";
    [JsonPropertyName("Attributes")] public Dictionary<string, string> Attributes { get; set; } = new();
}
