using System.Text.Json;
using System.Text.Json.Serialization;
using Modular.Api.Json;

namespace Modular.Api.Models;

/// <summary>
/// Docker's <c>container.Resources</c>. In Go it is embedded in <see cref="HostConfig"/>, so its fields appear flat
/// in HostConfig's JSON; it is also the body of <c>POST /containers/{id}/update</c>.
/// </summary>
public class Resources
{
    [JsonPropertyName("CpuShares")] public long CpuShares { get; set; }
    [JsonPropertyName("Memory")] public long Memory { get; set; }
    [JsonPropertyName("NanoCpus")] public long NanoCpus { get; set; }
    [JsonPropertyName("CgroupParent")] public string CgroupParent { get; set; } = "";
    [JsonPropertyName("BlkioWeight")] public ushort BlkioWeight { get; set; }
    [JsonPropertyName("BlkioWeightDevice")] public List<WeightDevice>? BlkioWeightDevice { get; set; }
    [JsonPropertyName("BlkioDeviceReadBps")] public List<ThrottleDevice>? BlkioDeviceReadBps { get; set; }
    [JsonPropertyName("BlkioDeviceWriteBps")] public List<ThrottleDevice>? BlkioDeviceWriteBps { get; set; }
    [JsonPropertyName("BlkioDeviceReadIOps")] public List<ThrottleDevice>? BlkioDeviceReadIOps { get; set; }
    [JsonPropertyName("BlkioDeviceWriteIOps")] public List<ThrottleDevice>? BlkioDeviceWriteIOps { get; set; }
    [JsonPropertyName("CpuPeriod")] public long CpuPeriod { get; set; }
    [JsonPropertyName("CpuQuota")] public long CpuQuota { get; set; }
    [JsonPropertyName("CpuRealtimePeriod")] public long CpuRealtimePeriod { get; set; }
    [JsonPropertyName("CpuRealtimeRuntime")] public long CpuRealtimeRuntime { get; set; }
    [JsonPropertyName("CpusetCpus")] public string CpusetCpus { get; set; } = "";
    [JsonPropertyName("CpusetMems")] public string CpusetMems { get; set; } = "";
    [JsonPropertyName("Devices")] public List<DeviceMapping>? Devices { get; set; }
    [JsonPropertyName("DeviceCgroupRules")] public List<string>? DeviceCgroupRules { get; set; }
    [JsonPropertyName("DeviceRequests")] public List<DeviceRequest>? DeviceRequests { get; set; }
    [JsonPropertyName("MemoryReservation")] public long MemoryReservation { get; set; }
    [JsonPropertyName("MemorySwap")] public long MemorySwap { get; set; }
    [JsonPropertyName("MemorySwappiness")] public long? MemorySwappiness { get; set; }
    [JsonPropertyName("OomKillDisable")] public bool? OomKillDisable { get; set; }
    [JsonPropertyName("PidsLimit")] public long? PidsLimit { get; set; }
    [JsonPropertyName("Ulimits")] public List<Ulimit>? Ulimits { get; set; }
    [JsonPropertyName("CpuCount")] public long CpuCount { get; set; }
    [JsonPropertyName("CpuPercent")] public long CpuPercent { get; set; }
    [JsonPropertyName("IOMaximumIOps")] public ulong IOMaximumIOps { get; set; }
    [JsonPropertyName("IOMaximumBandwidth")] public ulong IOMaximumBandwidth { get; set; }
}

/// <summary>Docker's <c>container.HostConfig</c>: the non-portable, host-dependent configuration.</summary>
public sealed class HostConfig : Resources
{
    [JsonPropertyName("Binds")] public List<string>? Binds { get; set; }
    [JsonPropertyName("ContainerIDFile")] public string ContainerIDFile { get; set; } = "";
    [JsonPropertyName("LogConfig")] public LogConfig LogConfig { get; set; } = new();
    [JsonPropertyName("NetworkMode")] public string NetworkMode { get; set; } = "";
    [JsonPropertyName("PortBindings")] public Dictionary<string, List<PortBinding>?>? PortBindings { get; set; }
    [JsonPropertyName("RestartPolicy")] public RestartPolicy RestartPolicy { get; set; } = new();
    [JsonPropertyName("AutoRemove")] public bool AutoRemove { get; set; }
    [JsonPropertyName("VolumeDriver")] public string VolumeDriver { get; set; } = "";
    [JsonPropertyName("VolumesFrom")] public List<string>? VolumesFrom { get; set; }
    [JsonPropertyName("ConsoleSize")] public ulong[] ConsoleSize { get; set; } = [0, 0];

    [JsonPropertyName("Annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; set; }

    [JsonPropertyName("CapAdd"), JsonConverter(typeof(StringSliceConverter))] public List<string>? CapAdd { get; set; }
    [JsonPropertyName("CapDrop"), JsonConverter(typeof(StringSliceConverter))] public List<string>? CapDrop { get; set; }
    [JsonPropertyName("CgroupnsMode")] public string CgroupnsMode { get; set; } = "";
    [JsonPropertyName("Dns")] public List<string>? Dns { get; set; }
    [JsonPropertyName("DnsOptions")] public List<string>? DnsOptions { get; set; }
    [JsonPropertyName("DnsSearch")] public List<string>? DnsSearch { get; set; }
    [JsonPropertyName("ExtraHosts")] public List<string>? ExtraHosts { get; set; }
    [JsonPropertyName("GroupAdd")] public List<string>? GroupAdd { get; set; }
    [JsonPropertyName("IpcMode")] public string IpcMode { get; set; } = "";
    [JsonPropertyName("Cgroup")] public string Cgroup { get; set; } = "";
    [JsonPropertyName("Links")] public List<string>? Links { get; set; }
    [JsonPropertyName("OomScoreAdj")] public int OomScoreAdj { get; set; }
    [JsonPropertyName("PidMode")] public string PidMode { get; set; } = "";
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("PublishAllPorts")] public bool PublishAllPorts { get; set; }
    [JsonPropertyName("ReadonlyRootfs")] public bool ReadonlyRootfs { get; set; }
    [JsonPropertyName("SecurityOpt")] public List<string>? SecurityOpt { get; set; }

    [JsonPropertyName("StorageOpt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? StorageOpt { get; set; }

    [JsonPropertyName("Tmpfs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Tmpfs { get; set; }

    [JsonPropertyName("UTSMode")] public string UTSMode { get; set; } = "";
    [JsonPropertyName("UsernsMode")] public string UsernsMode { get; set; } = "";
    [JsonPropertyName("ShmSize")] public long ShmSize { get; set; }

    [JsonPropertyName("Sysctls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Sysctls { get; set; }

    [JsonPropertyName("Runtime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Runtime { get; set; }

    [JsonPropertyName("Isolation")] public string Isolation { get; set; } = "";

    [JsonPropertyName("Mounts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Mount>? Mounts { get; set; }

    [JsonPropertyName("MaskedPaths")] public List<string>? MaskedPaths { get; set; }
    [JsonPropertyName("ReadonlyPaths")] public List<string>? ReadonlyPaths { get; set; }

    [JsonPropertyName("Init"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Init { get; set; }

    /// <summary>Fields this version does not model, kept so a document round-trips unchanged.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary><c>{"Type": "json-file", "Config": {"max-size": "10m"}}</c>.</summary>
public sealed class LogConfig
{
    [JsonPropertyName("Type")] public string Type { get; set; } = "";
    [JsonPropertyName("Config")] public Dictionary<string, string>? Config { get; set; }
}

/// <summary>Restart policy name: "", "no", "always", "unless-stopped" or "on-failure".</summary>
public sealed class RestartPolicy
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("MaximumRetryCount")] public int MaximumRetryCount { get; set; }
}

/// <summary>One host address a container port is published on.</summary>
public sealed class PortBinding
{
    [JsonPropertyName("HostIp")] public string HostIp { get; set; } = "";
    [JsonPropertyName("HostPort")] public string HostPort { get; set; } = "";
}

public sealed class Ulimit
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Hard")] public long Hard { get; set; }
    [JsonPropertyName("Soft")] public long Soft { get; set; }
}

public sealed class DeviceMapping
{
    [JsonPropertyName("PathOnHost")] public string PathOnHost { get; set; } = "";
    [JsonPropertyName("PathInContainer")] public string PathInContainer { get; set; } = "";
    [JsonPropertyName("CgroupPermissions")] public string CgroupPermissions { get; set; } = "";
}

public sealed class DeviceRequest
{
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Count")] public int Count { get; set; }
    [JsonPropertyName("DeviceIDs")] public List<string>? DeviceIDs { get; set; }
    [JsonPropertyName("Capabilities")] public List<List<string>>? Capabilities { get; set; }
    [JsonPropertyName("Options")] public Dictionary<string, string>? Options { get; set; }
}

public sealed class WeightDevice
{
    [JsonPropertyName("Path")] public string Path { get; set; } = "";
    [JsonPropertyName("Weight")] public ushort Weight { get; set; }
}

public sealed class ThrottleDevice
{
    [JsonPropertyName("Path")] public string Path { get; set; } = "";
    [JsonPropertyName("Rate")] public ulong Rate { get; set; }
}

/// <summary>Docker's <c>mount.Mount</c> (HostConfig.Mounts entries, <c>--mount</c>).</summary>
public sealed class Mount
{
    [JsonPropertyName("Type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; set; }
    [JsonPropertyName("Source"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Source { get; set; }
    [JsonPropertyName("Target"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Target { get; set; }
    [JsonPropertyName("ReadOnly"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ReadOnly { get; set; }
    [JsonPropertyName("Consistency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Consistency { get; set; }
    [JsonPropertyName("BindOptions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public BindOptions? BindOptions { get; set; }
    [JsonPropertyName("VolumeOptions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public VolumeOptions? VolumeOptions { get; set; }
    [JsonPropertyName("ImageOptions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ImageMountOptions? ImageOptions { get; set; }
    [JsonPropertyName("TmpfsOptions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TmpfsOptions? TmpfsOptions { get; set; }
}

public sealed class BindOptions
{
    [JsonPropertyName("Propagation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Propagation { get; set; }
    [JsonPropertyName("NonRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool NonRecursive { get; set; }
    [JsonPropertyName("CreateMountpoint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool CreateMountpoint { get; set; }
    [JsonPropertyName("ReadOnlyNonRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ReadOnlyNonRecursive { get; set; }
    [JsonPropertyName("ReadOnlyForceRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ReadOnlyForceRecursive { get; set; }
}

public sealed class VolumeOptions
{
    [JsonPropertyName("NoCopy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool NoCopy { get; set; }
    [JsonPropertyName("Labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("Subpath"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subpath { get; set; }
    [JsonPropertyName("DriverConfig"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public VolumeDriverConfig? DriverConfig { get; set; }
}

public sealed class VolumeDriverConfig
{
    [JsonPropertyName("Name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; }
    [JsonPropertyName("Options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Options { get; set; }
}

public sealed class ImageMountOptions
{
    [JsonPropertyName("Subpath"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subpath { get; set; }
}

public sealed class TmpfsOptions
{
    [JsonPropertyName("SizeBytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long SizeBytes { get; set; }
    [JsonPropertyName("Mode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public uint Mode { get; set; }
    [JsonPropertyName("Options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<List<string>>? Options { get; set; }
}
