using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>The body of <c>POST /networks/create</c>.</summary>
public sealed class NetworkCreateRequest
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("CheckDuplicate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool CheckDuplicate { get; set; }
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Scope { get; set; }
    [JsonPropertyName("Internal")] public bool Internal { get; set; }
    [JsonPropertyName("Attachable")] public bool Attachable { get; set; }
    [JsonPropertyName("Ingress")] public bool Ingress { get; set; }
    [JsonPropertyName("EnableIPv4"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? EnableIPv4 { get; set; }
    [JsonPropertyName("EnableIPv6"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? EnableIPv6 { get; set; }
    [JsonPropertyName("IPAM"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public NetworkIpam? IPAM { get; set; }
    [JsonPropertyName("Options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Options { get; set; }
    [JsonPropertyName("Labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Labels { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The answer of <c>POST /networks/create</c>.</summary>
public sealed class NetworkCreateResponse
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Warning")] public string Warning { get; set; } = "";
}
