using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>
/// One frame of <c>GET /containers/{id}/stats</c> (moby's StatsJSON). Fields Go marks omitempty are left out when
/// zero, so a stopped container's frame looks exactly like dockerd's: zero times, null blkio lists, empty objects.
/// </summary>
public sealed class ContainerStats
{
    /// <summary>Go's zero time.Time, which dockerd sends for a container it did not sample.</summary>
    public static readonly DateTime NoTime = new(0, DateTimeKind.Utc);

    [JsonPropertyName("read")] public DateTime Read { get; set; } = NoTime;
    [JsonPropertyName("preread")] public DateTime PreRead { get; set; } = NoTime;
    [JsonPropertyName("pids_stats")] public PidsStats PidsStats { get; set; } = new();
    [JsonPropertyName("blkio_stats")] public BlkioStats BlkioStats { get; set; } = new();
    [JsonPropertyName("num_procs")] public uint NumProcs { get; set; }
    [JsonPropertyName("storage_stats")] public StorageStats StorageStats { get; set; } = new();
    [JsonPropertyName("cpu_stats")] public CpuStats CpuStats { get; set; } = new();
    [JsonPropertyName("precpu_stats")] public CpuStats PreCpuStats { get; set; } = new();
    [JsonPropertyName("memory_stats")] public MemoryStats MemoryStats { get; set; } = new();
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; set; }

    /// <summary>Counters per interface of the container's network namespace, loopback excluded; absent without any.</summary>
    [JsonPropertyName("networks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, NetworkStats>? Networks { get; set; }
}

/// <summary>Processes in the container's pids cgroup and the cgroup's limit (0 when unlimited).</summary>
public sealed class PidsStats
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Current { get; set; }
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Limit { get; set; }
}

/// <summary>Block I/O per device; the lists are null for a container that was not sampled, empty when nothing was counted.</summary>
public sealed class BlkioStats
{
    [JsonPropertyName("io_service_bytes_recursive")] public List<BlkioStatEntry>? IoServiceBytesRecursive { get; set; }
    [JsonPropertyName("io_serviced_recursive")] public List<BlkioStatEntry>? IoServicedRecursive { get; set; }
    [JsonPropertyName("io_queue_recursive")] public List<BlkioStatEntry>? IoQueuedRecursive { get; set; }
    [JsonPropertyName("io_service_time_recursive")] public List<BlkioStatEntry>? IoServiceTimeRecursive { get; set; }
    [JsonPropertyName("io_wait_time_recursive")] public List<BlkioStatEntry>? IoWaitTimeRecursive { get; set; }
    [JsonPropertyName("io_merged_recursive")] public List<BlkioStatEntry>? IoMergedRecursive { get; set; }
    [JsonPropertyName("io_time_recursive")] public List<BlkioStatEntry>? IoTimeRecursive { get; set; }
    [JsonPropertyName("sectors_recursive")] public List<BlkioStatEntry>? SectorsRecursive { get; set; }

    /// <summary>The shape of a sampled container: every list present and empty.</summary>
    public static BlkioStats Empty() => new()
    {
        IoServiceBytesRecursive = [],
        IoServicedRecursive = [],
        IoQueuedRecursive = [],
        IoServiceTimeRecursive = [],
        IoWaitTimeRecursive = [],
        IoMergedRecursive = [],
        IoTimeRecursive = [],
        SectorsRecursive = [],
    };
}

/// <summary>One counter of one block device: op is Read/Write/Sync/Async/Discard/Total on cgroup v1, read/write on v2.</summary>
public sealed class BlkioStatEntry
{
    [JsonPropertyName("major")] public ulong Major { get; set; }
    [JsonPropertyName("minor")] public ulong Minor { get; set; }
    [JsonPropertyName("op")] public string Op { get; set; } = "";
    [JsonPropertyName("value")] public ulong Value { get; set; }
}

/// <summary>Windows-only storage counters; always an empty object on Linux.</summary>
public sealed class StorageStats
{
    [JsonPropertyName("read_count_normalized"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ReadCountNormalized { get; set; }
    [JsonPropertyName("read_size_bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ReadSizeBytes { get; set; }
    [JsonPropertyName("write_count_normalized"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong WriteCountNormalized { get; set; }
    [JsonPropertyName("write_size_bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong WriteSizeBytes { get; set; }
}

/// <summary>CPU time of the container and, sampled at the same moment, of the whole host (both in nanoseconds).</summary>
public sealed class CpuStats
{
    [JsonPropertyName("cpu_usage")] public CpuUsage CpuUsage { get; set; } = new();

    /// <summary>The host's busy and idle time from /proc/stat, in nanoseconds, the denominator of docker's CPU %.</summary>
    [JsonPropertyName("system_cpu_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong SystemCpuUsage { get; set; }
    [JsonPropertyName("online_cpus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public uint OnlineCpus { get; set; }
    [JsonPropertyName("throttling_data")] public ThrottlingData ThrottlingData { get; set; } = new();
}

/// <summary>CPU time the container's cgroup used, in nanoseconds.</summary>
public sealed class CpuUsage
{
    [JsonPropertyName("total_usage")] public ulong TotalUsage { get; set; }

    /// <summary>Per CPU; cgroup v2 has no such counter, so it is absent there (as in dockerd).</summary>
    [JsonPropertyName("percpu_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? PercpuUsage { get; set; }
    [JsonPropertyName("usage_in_kernelmode")] public ulong UsageInKernelmode { get; set; }
    [JsonPropertyName("usage_in_usermode")] public ulong UsageInUsermode { get; set; }
}

/// <summary>CFS quota enforcement: periods, periods throttled, and nanoseconds spent throttled.</summary>
public sealed class ThrottlingData
{
    [JsonPropertyName("periods")] public ulong Periods { get; set; }
    [JsonPropertyName("throttled_periods")] public ulong ThrottledPeriods { get; set; }
    [JsonPropertyName("throttled_time")] public ulong ThrottledTime { get; set; }
}

/// <summary>Memory of the container's cgroup; limit is the host's memory when the cgroup has none.</summary>
public sealed class MemoryStats
{
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }

    /// <summary>cgroup v1 only (memory.max_usage_in_bytes).</summary>
    [JsonPropertyName("max_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong MaxUsage { get; set; }

    /// <summary>Every counter of the cgroup's memory.stat; the docker CLI subtracts inactive_file (v2) or total_inactive_file (v1) from usage.</summary>
    [JsonPropertyName("stats"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, ulong>? Stats { get; set; }

    /// <summary>cgroup v1 only (memory.failcnt).</summary>
    [JsonPropertyName("failcnt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Failcnt { get; set; }
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Limit { get; set; }
}

/// <summary>Counters of one network interface, from the container's /proc/net/dev.</summary>
public sealed class NetworkStats
{
    [JsonPropertyName("rx_bytes")] public ulong RxBytes { get; set; }
    [JsonPropertyName("rx_packets")] public ulong RxPackets { get; set; }
    [JsonPropertyName("rx_errors")] public ulong RxErrors { get; set; }
    [JsonPropertyName("rx_dropped")] public ulong RxDropped { get; set; }
    [JsonPropertyName("tx_bytes")] public ulong TxBytes { get; set; }
    [JsonPropertyName("tx_packets")] public ulong TxPackets { get; set; }
    [JsonPropertyName("tx_errors")] public ulong TxErrors { get; set; }
    [JsonPropertyName("tx_dropped")] public ulong TxDropped { get; set; }
}
