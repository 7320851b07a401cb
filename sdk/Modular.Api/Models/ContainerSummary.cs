using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>One element of <c>GET /containers/json</c> (what <c>ps</c> lists).</summary>
public sealed class ContainerSummary
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Names")] public List<string>? Names { get; set; }
    [JsonPropertyName("Image")] public string Image { get; set; } = "";
    [JsonPropertyName("ImageID")] public string ImageID { get; set; } = "";

    [JsonPropertyName("ImageManifestDescriptor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? ImageManifestDescriptor { get; set; }

    [JsonPropertyName("Command")] public string Command { get; set; } = "";
    [JsonPropertyName("Created")] public long Created { get; set; }
    [JsonPropertyName("Ports")] public List<Port>? Ports { get; set; }

    [JsonPropertyName("SizeRw"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? SizeRw { get; set; }
    [JsonPropertyName("SizeRootFs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? SizeRootFs { get; set; }

    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("State")] public string State { get; set; } = "";
    [JsonPropertyName("Status")] public string Status { get; set; } = "";
    [JsonPropertyName("HostConfig")] public ContainerSummaryHostConfig HostConfig { get; set; } = new();
    [JsonPropertyName("NetworkSettings")] public ContainerSummaryNetworkSettings? NetworkSettings { get; set; }
    [JsonPropertyName("Mounts")] public List<MountPoint>? Mounts { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ContainerSummaryHostConfig
{
    [JsonPropertyName("NetworkMode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? NetworkMode { get; set; }
    [JsonPropertyName("Annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Annotations { get; set; }
}

public sealed class ContainerSummaryNetworkSettings
{
    [JsonPropertyName("Networks")] public Dictionary<string, EndpointSettings?>? Networks { get; set; }
}

/// <summary>A published or exposed port in a container summary.</summary>
public sealed class Port
{
    [JsonPropertyName("IP"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IP { get; set; }
    [JsonPropertyName("PrivatePort")] public ushort PrivatePort { get; set; }
    [JsonPropertyName("PublicPort"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ushort PublicPort { get; set; }
    [JsonPropertyName("Type")] public string Type { get; set; } = "";
}

/// <summary>A mount as reported by inspect and ps.</summary>
public sealed class MountPoint
{
    [JsonPropertyName("Type")] public string Type { get; set; } = "";
    [JsonPropertyName("Name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; }
    [JsonPropertyName("Source")] public string Source { get; set; } = "";
    [JsonPropertyName("Destination")] public string Destination { get; set; } = "";
    [JsonPropertyName("Driver"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Driver { get; set; }
    [JsonPropertyName("Mode")] public string Mode { get; set; } = "";
    [JsonPropertyName("RW")] public bool RW { get; set; }
    [JsonPropertyName("Propagation")] public string Propagation { get; set; } = "";
}
