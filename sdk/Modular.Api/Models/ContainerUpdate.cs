using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Body of <c>POST /containers/{id}/update</c>: resource fields (zero = unchanged) and the restart policy.</summary>
public sealed class ContainerUpdateRequest : Resources
{
    [JsonPropertyName("RestartPolicy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RestartPolicy? RestartPolicy { get; set; }
}

/// <summary>Answer of <c>POST /containers/{id}/update</c>.</summary>
public sealed class ContainerUpdateResponse
{
    [JsonPropertyName("Warnings")] public List<string> Warnings { get; set; } = [];
}
