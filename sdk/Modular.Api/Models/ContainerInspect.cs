using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Answer of <c>GET /containers/{id}/json</c>.</summary>
public sealed class ContainerInspect
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    /// <summary>RFC 3339 with nanoseconds, as Go's time.Time marshals.</summary>
    [JsonPropertyName("Created")] public string Created { get; set; } = "";
    [JsonPropertyName("Path")] public string Path { get; set; } = "";
    [JsonPropertyName("Args")] public List<string>? Args { get; set; }
    [JsonPropertyName("State")] public ContainerState? State { get; set; }
    [JsonPropertyName("Image")] public string Image { get; set; } = "";
    [JsonPropertyName("ResolvConfPath")] public string ResolvConfPath { get; set; } = "";
    [JsonPropertyName("HostnamePath")] public string HostnamePath { get; set; } = "";
    [JsonPropertyName("HostsPath")] public string HostsPath { get; set; } = "";
    [JsonPropertyName("LogPath")] public string LogPath { get; set; } = "";
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("RestartCount")] public int RestartCount { get; set; }
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Platform")] public string Platform { get; set; } = "";

    [JsonPropertyName("ImageManifestDescriptor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? ImageManifestDescriptor { get; set; }

    [JsonPropertyName("MountLabel")] public string MountLabel { get; set; } = "";
    [JsonPropertyName("ProcessLabel")] public string ProcessLabel { get; set; } = "";
    [JsonPropertyName("AppArmorProfile")] public string AppArmorProfile { get; set; } = "";
    [JsonPropertyName("ExecIDs")] public List<string>? ExecIDs { get; set; }
    [JsonPropertyName("HostConfig")] public HostConfig? HostConfig { get; set; }
    [JsonPropertyName("GraphDriver")] public GraphDriverData GraphDriver { get; set; } = new();

    [JsonPropertyName("SizeRw"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? SizeRw { get; set; }
    [JsonPropertyName("SizeRootFs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? SizeRootFs { get; set; }

    [JsonPropertyName("Mounts")] public List<MountPoint>? Mounts { get; set; }
    [JsonPropertyName("Config")] public ContainerConfig? Config { get; set; }
    [JsonPropertyName("NetworkSettings")] public NetworkSettings? NetworkSettings { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>Docker's <c>container.State</c>. Times are RFC 3339 strings; never-set times are <c>0001-01-01T00:00:00Z</c>.</summary>
public sealed class ContainerState
{
    /// <summary>"created", "running", "paused", "restarting", "removing", "exited" or "dead".</summary>
    [JsonPropertyName("Status")] public string Status { get; set; } = "";
    [JsonPropertyName("Running")] public bool Running { get; set; }
    [JsonPropertyName("Paused")] public bool Paused { get; set; }
    [JsonPropertyName("Restarting")] public bool Restarting { get; set; }
    [JsonPropertyName("OOMKilled")] public bool OOMKilled { get; set; }
    [JsonPropertyName("Dead")] public bool Dead { get; set; }
    [JsonPropertyName("Pid")] public int Pid { get; set; }
    [JsonPropertyName("ExitCode")] public int ExitCode { get; set; }
    [JsonPropertyName("Error")] public string Error { get; set; } = "";
    [JsonPropertyName("StartedAt")] public string StartedAt { get; set; } = "";
    [JsonPropertyName("FinishedAt")] public string FinishedAt { get; set; } = "";

    [JsonPropertyName("Health"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContainerHealth? Health { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ContainerHealth
{
    /// <summary>"none", "starting", "healthy" or "unhealthy".</summary>
    [JsonPropertyName("Status")] public string Status { get; set; } = "";
    [JsonPropertyName("FailingStreak")] public int FailingStreak { get; set; }
    [JsonPropertyName("Log")] public List<HealthcheckResult>? Log { get; set; }
}

public sealed class HealthcheckResult
{
    [JsonPropertyName("Start")] public string Start { get; set; } = "";
    [JsonPropertyName("End")] public string End { get; set; } = "";
    [JsonPropertyName("ExitCode")] public int ExitCode { get; set; }
    [JsonPropertyName("Output")] public string Output { get; set; } = "";
}

/// <summary><c>{"Name": "overlay2", "Data": {"LowerDir": …, "UpperDir": …}}</c>.</summary>
public sealed class GraphDriverData
{
    [JsonPropertyName("Data")] public Dictionary<string, string>? Data { get; set; }
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
}

/// <summary>Docker's <c>NetworkSettings</c> of a container (1.51 still carries the flat default-network fields).</summary>
public sealed class NetworkSettings
{
    [JsonPropertyName("Bridge")] public string Bridge { get; set; } = "";
    [JsonPropertyName("SandboxID")] public string SandboxID { get; set; } = "";
    [JsonPropertyName("SandboxKey")] public string SandboxKey { get; set; } = "";
    [JsonPropertyName("Ports")] public Dictionary<string, List<PortBinding>?>? Ports { get; set; }
    [JsonPropertyName("HairpinMode")] public bool HairpinMode { get; set; }
    [JsonPropertyName("LinkLocalIPv6Address")] public string LinkLocalIPv6Address { get; set; } = "";
    [JsonPropertyName("LinkLocalIPv6PrefixLen")] public int LinkLocalIPv6PrefixLen { get; set; }
    [JsonPropertyName("SecondaryIPAddresses")] public List<NetworkAddress>? SecondaryIPAddresses { get; set; }
    [JsonPropertyName("SecondaryIPv6Addresses")] public List<NetworkAddress>? SecondaryIPv6Addresses { get; set; }
    [JsonPropertyName("EndpointID")] public string EndpointID { get; set; } = "";
    [JsonPropertyName("Gateway")] public string Gateway { get; set; } = "";
    [JsonPropertyName("GlobalIPv6Address")] public string GlobalIPv6Address { get; set; } = "";
    [JsonPropertyName("GlobalIPv6PrefixLen")] public int GlobalIPv6PrefixLen { get; set; }
    [JsonPropertyName("IPAddress")] public string IPAddress { get; set; } = "";
    [JsonPropertyName("IPPrefixLen")] public int IPPrefixLen { get; set; }
    [JsonPropertyName("IPv6Gateway")] public string IPv6Gateway { get; set; } = "";
    [JsonPropertyName("MacAddress")] public string MacAddress { get; set; } = "";
    [JsonPropertyName("Networks")] public Dictionary<string, EndpointSettings?>? Networks { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class NetworkAddress
{
    [JsonPropertyName("Addr")] public string Addr { get; set; } = "";
    [JsonPropertyName("PrefixLen")] public int PrefixLen { get; set; }
}
