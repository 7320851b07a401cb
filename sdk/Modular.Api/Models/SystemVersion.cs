using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Answer of <c>GET /version</c>. <c>docker version</c> prints the Engine block only when a component named
/// "Engine" carries <see cref="ComponentVersion.Details"/> (ApiVersion, MinAPIVersion, GitCommit, GoVersion, Os, Arch, …).</summary>
public sealed class VersionResponse
{
    [JsonPropertyName("Platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PlatformName? Platform { get; set; }
    [JsonPropertyName("Components"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ComponentVersion>? Components { get; set; }
    [JsonPropertyName("Version")] public string Version { get; set; } = "";
    [JsonPropertyName("ApiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("MinAPIVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MinAPIVersion { get; set; }
    [JsonPropertyName("GitCommit")] public string GitCommit { get; set; } = "";
    [JsonPropertyName("GoVersion")] public string GoVersion { get; set; } = "";
    [JsonPropertyName("Os")] public string Os { get; set; } = "";
    [JsonPropertyName("Arch")] public string Arch { get; set; } = "";
    [JsonPropertyName("KernelVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? KernelVersion { get; set; }
    [JsonPropertyName("Experimental"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Experimental { get; set; }
    [JsonPropertyName("BuildTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? BuildTime { get; set; }
}

public sealed class PlatformName
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
}

public sealed class ComponentVersion
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Version")] public string Version { get; set; } = "";
    [JsonPropertyName("Details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Details { get; set; }
}
