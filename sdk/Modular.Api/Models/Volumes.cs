using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Docker's <c>volume.Volume</c>: what <c>GET /volumes/{name}</c> answers and each entry of a list.</summary>
public sealed class Volume
{
    [JsonPropertyName("CreatedAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CreatedAt { get; set; }
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("Mountpoint")] public string Mountpoint { get; set; } = "";
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Options")] public Dictionary<string, string>? Options { get; set; }
    [JsonPropertyName("Scope")] public string Scope { get; set; } = "local";

    [JsonPropertyName("Status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Status { get; set; }

    /// <summary>Only in <c>GET /system/df</c>; -1 where not computed.</summary>
    [JsonPropertyName("UsageData"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VolumeUsageData? UsageData { get; set; }
}

public sealed class VolumeUsageData
{
    [JsonPropertyName("Size")] public long Size { get; set; } = -1;
    [JsonPropertyName("RefCount")] public long RefCount { get; set; } = -1;
}

/// <summary>Body of <c>POST /volumes/create</c>.</summary>
public sealed class VolumeCreateRequest
{
    [JsonPropertyName("Name")] public string? Name { get; set; }
    [JsonPropertyName("Driver")] public string? Driver { get; set; }
    [JsonPropertyName("DriverOpts")] public Dictionary<string, string>? DriverOpts { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>Answer of <c>GET /volumes</c>.</summary>
public sealed class VolumeListResponse
{
    [JsonPropertyName("Volumes")] public List<Volume> Volumes { get; set; } = [];
    [JsonPropertyName("Warnings")] public List<string>? Warnings { get; set; }
}

/// <summary>Answer of <c>POST /volumes/prune</c>.</summary>
public sealed class VolumePruneResponse
{
    [JsonPropertyName("VolumesDeleted")] public List<string>? VolumesDeleted { get; set; }
    [JsonPropertyName("SpaceReclaimed")] public ulong SpaceReclaimed { get; set; }
}
