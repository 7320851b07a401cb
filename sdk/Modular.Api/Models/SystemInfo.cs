using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Answer of <c>GET /info</c>: everything <c>docker info</c> prints under "Server:".</summary>
public sealed class SystemInfo
{
    [JsonPropertyName("ID")] public string ID { get; set; } = "";
    [JsonPropertyName("Containers")] public int Containers { get; set; }
    [JsonPropertyName("ContainersRunning")] public int ContainersRunning { get; set; }
    [JsonPropertyName("ContainersPaused")] public int ContainersPaused { get; set; }
    [JsonPropertyName("ContainersStopped")] public int ContainersStopped { get; set; }
    [JsonPropertyName("Images")] public int Images { get; set; }
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    /// <summary>Pairs of [key, value] printed indented under "Storage Driver".</summary>
    [JsonPropertyName("DriverStatus")] public List<List<string>>? DriverStatus { get; set; }
    [JsonPropertyName("Plugins")] public PluginsInfo Plugins { get; set; } = new();
    [JsonPropertyName("MemoryLimit")] public bool MemoryLimit { get; set; }
    [JsonPropertyName("SwapLimit")] public bool SwapLimit { get; set; }
    [JsonPropertyName("CpuCfsPeriod")] public bool CpuCfsPeriod { get; set; }
    [JsonPropertyName("CpuCfsQuota")] public bool CpuCfsQuota { get; set; }
    [JsonPropertyName("CPUShares")] public bool CPUShares { get; set; }
    [JsonPropertyName("CPUSet")] public bool CPUSet { get; set; }
    [JsonPropertyName("PidsLimit")] public bool PidsLimit { get; set; }
    [JsonPropertyName("IPv4Forwarding")] public bool IPv4Forwarding { get; set; }
    [JsonPropertyName("BridgeNfIptables"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool BridgeNfIptables { get; set; }
    [JsonPropertyName("BridgeNfIp6tables"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool BridgeNfIp6tables { get; set; }
    [JsonPropertyName("Debug")] public bool Debug { get; set; }
    [JsonPropertyName("NFd")] public int NFd { get; set; }
    [JsonPropertyName("OomKillDisable")] public bool OomKillDisable { get; set; }
    [JsonPropertyName("NGoroutines")] public int NGoroutines { get; set; }
    /// <summary>RFC 3339 with nanoseconds and the local offset.</summary>
    [JsonPropertyName("SystemTime")] public string SystemTime { get; set; } = "";
    [JsonPropertyName("LoggingDriver")] public string LoggingDriver { get; set; } = "";
    [JsonPropertyName("CgroupDriver")] public string CgroupDriver { get; set; } = "";
    [JsonPropertyName("CgroupVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CgroupVersion { get; set; }
    [JsonPropertyName("NEventsListener")] public int NEventsListener { get; set; }
    [JsonPropertyName("KernelVersion")] public string KernelVersion { get; set; } = "";
    [JsonPropertyName("OperatingSystem")] public string OperatingSystem { get; set; } = "";
    [JsonPropertyName("OSVersion")] public string OSVersion { get; set; } = "";
    [JsonPropertyName("OSType")] public string OSType { get; set; } = "";
    [JsonPropertyName("Architecture")] public string Architecture { get; set; } = "";
    [JsonPropertyName("IndexServerAddress")] public string IndexServerAddress { get; set; } = "";
    [JsonPropertyName("RegistryConfig")] public RegistryServiceConfig? RegistryConfig { get; set; }
    [JsonPropertyName("NCPU")] public int NCPU { get; set; }
    [JsonPropertyName("MemTotal")] public long MemTotal { get; set; }
    [JsonPropertyName("GenericResources")] public JsonElement? GenericResources { get; set; }
    [JsonPropertyName("DockerRootDir")] public string DockerRootDir { get; set; } = "";
    [JsonPropertyName("HttpProxy")] public string HttpProxy { get; set; } = "";
    [JsonPropertyName("HttpsProxy")] public string HttpsProxy { get; set; } = "";
    [JsonPropertyName("NoProxy")] public string NoProxy { get; set; } = "";
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Labels")] public List<string> Labels { get; set; } = [];
    [JsonPropertyName("ExperimentalBuild")] public bool ExperimentalBuild { get; set; }
    [JsonPropertyName("ServerVersion")] public string ServerVersion { get; set; } = "";
    [JsonPropertyName("Runtimes")] public Dictionary<string, RuntimeInfo>? Runtimes { get; set; }
    [JsonPropertyName("DefaultRuntime")] public string DefaultRuntime { get; set; } = "";
    [JsonPropertyName("Swarm")] public SwarmInfo Swarm { get; set; } = new();
    [JsonPropertyName("LiveRestoreEnabled")] public bool LiveRestoreEnabled { get; set; }
    [JsonPropertyName("Isolation")] public string Isolation { get; set; } = "";
    [JsonPropertyName("InitBinary")] public string InitBinary { get; set; } = "";
    [JsonPropertyName("ContainerdCommit")] public CommitInfo ContainerdCommit { get; set; } = new();
    [JsonPropertyName("RuncCommit")] public CommitInfo RuncCommit { get; set; } = new();
    [JsonPropertyName("InitCommit")] public CommitInfo InitCommit { get; set; } = new();
    /// <summary>Entries like <c>name=seccomp,profile=builtin</c> and <c>name=cgroupns</c>.</summary>
    [JsonPropertyName("SecurityOptions")] public List<string>? SecurityOptions { get; set; }
    [JsonPropertyName("ProductLicense"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ProductLicense { get; set; }
    [JsonPropertyName("DefaultAddressPools"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<NetworkAddressPool>? DefaultAddressPools { get; set; }
    [JsonPropertyName("FirewallBackend"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public FirewallInfo? FirewallBackend { get; set; }
    [JsonPropertyName("CDISpecDirs")] public List<string>? CDISpecDirs { get; set; }
    [JsonPropertyName("Containerd"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? Containerd { get; set; }
    [JsonPropertyName("Warnings")] public List<string>? Warnings { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class PluginsInfo
{
    [JsonPropertyName("Volume")] public List<string>? Volume { get; set; }
    [JsonPropertyName("Network")] public List<string>? Network { get; set; }
    [JsonPropertyName("Authorization")] public List<string>? Authorization { get; set; }
    [JsonPropertyName("Log")] public List<string>? Log { get; set; }
}

/// <summary>An OCI runtime the daemon knows: <c>{"path": "runc", "runtimeArgs": [...]}</c>.</summary>
public sealed class RuntimeInfo
{
    [JsonPropertyName("path"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; set; }
    [JsonPropertyName("runtimeArgs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? RuntimeArgs { get; set; }
    [JsonPropertyName("runtimeType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RuntimeType { get; set; }
    [JsonPropertyName("options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, JsonElement>? Options { get; set; }
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Status { get; set; }
}

/// <summary>Swarm state; for a standalone engine <c>LocalNodeState</c> is "inactive".</summary>
public sealed class SwarmInfo
{
    [JsonPropertyName("NodeID")] public string NodeID { get; set; } = "";
    [JsonPropertyName("NodeAddr")] public string NodeAddr { get; set; } = "";
    [JsonPropertyName("LocalNodeState")] public string LocalNodeState { get; set; } = "inactive";
    [JsonPropertyName("ControlAvailable")] public bool ControlAvailable { get; set; }
    [JsonPropertyName("Error")] public string Error { get; set; } = "";
    [JsonPropertyName("RemoteManagers")] public List<SwarmPeer>? RemoteManagers { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class SwarmPeer
{
    [JsonPropertyName("NodeID")] public string NodeID { get; set; } = "";
    [JsonPropertyName("Addr")] public string Addr { get; set; } = "";
}

/// <summary><c>{"ID": "…"}</c>: the commit of a bundled component (containerd, runc, init).</summary>
public sealed class CommitInfo
{
    [JsonPropertyName("ID")] public string ID { get; set; } = "";
    /// <summary>Deprecated by Docker; older daemons still send it.</summary>
    [JsonPropertyName("Expected"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Expected { get; set; }
}

public sealed class RegistryServiceConfig
{
    [JsonPropertyName("InsecureRegistryCIDRs")] public List<string>? InsecureRegistryCIDRs { get; set; }
    [JsonPropertyName("IndexConfigs")] public Dictionary<string, IndexInfo>? IndexConfigs { get; set; }
    [JsonPropertyName("Mirrors")] public List<string>? Mirrors { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class IndexInfo
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Mirrors")] public List<string>? Mirrors { get; set; }
    [JsonPropertyName("Secure")] public bool Secure { get; set; }
    [JsonPropertyName("Official")] public bool Official { get; set; }
}

public sealed class NetworkAddressPool
{
    [JsonPropertyName("Base")] public string Base { get; set; } = "";
    [JsonPropertyName("Size")] public int Size { get; set; }
}

public sealed class FirewallInfo
{
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Info"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<List<string>>? Info { get; set; }
}
