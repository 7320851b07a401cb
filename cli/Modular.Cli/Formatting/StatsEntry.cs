using Modular.Api.Models;

namespace Modular.Cli.Formatting;

/// <summary>One container's line of <c>stats</c>, computed from a frame the way docker's CLI computes it.</summary>
internal sealed record StatsEntry
{
    /// <summary>What the user named (or the ID for listed containers): docker's .Container.</summary>
    public string Container { get; init; } = "";
    /// <summary>The frame's name, with its leading slash.</summary>
    public string Name { get; init; } = "";
    public string Id { get; init; } = "";
    public double CpuPercentage { get; init; }
    public double Memory { get; init; }
    public double MemoryLimit { get; init; }
    public double MemoryPercentage { get; init; }
    public double NetworkRx { get; init; }
    public double NetworkTx { get; init; }
    public double BlockRead { get; init; }
    public double BlockWrite { get; init; }
    public ulong PidsCurrent { get; init; }
    /// <summary>No frame arrived in time, or reading failed: every value shows as "--".</summary>
    public bool IsInvalid { get; init; }

    public static StatsEntry From(string container, ContainerStats frame)
    {
        var memory = MemoryUsageWithoutCache(frame.MemoryStats);
        var (read, write) = BlockIo(frame.BlkioStats);
        return new StatsEntry
        {
            Container = container,
            Name = frame.Name ?? "",
            Id = frame.Id ?? "",
            CpuPercentage = CpuPercent(frame.PreCpuStats, frame.CpuStats),
            Memory = memory,
            MemoryLimit = frame.MemoryStats.Limit,
            MemoryPercentage = frame.MemoryStats.Limit != 0 ? memory / frame.MemoryStats.Limit * 100.0 : 0,
            NetworkRx = (frame.Networks ?? []).Values.Sum(n => (double)n.RxBytes),
            NetworkTx = (frame.Networks ?? []).Values.Sum(n => (double)n.TxBytes),
            BlockRead = read,
            BlockWrite = write,
            PidsCurrent = frame.PidsStats.Current,
        };
    }

    /// <summary>The container's share of the host's CPU time between the two samples, times the CPUs (so 200% is two busy CPUs).</summary>
    public static double CpuPercent(CpuStats previous, CpuStats current)
    {
        var cpuDelta = (double)current.CpuUsage.TotalUsage - previous.CpuUsage.TotalUsage;
        var systemDelta = (double)current.SystemCpuUsage - previous.SystemCpuUsage;
        double onlineCpus = current.OnlineCpus;
        if (onlineCpus == 0)
            onlineCpus = current.CpuUsage.PercpuUsage?.Count ?? 0;
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * onlineCpus * 100.0 : 0;
    }

    /// <summary>Usage without reclaimable page cache: minus total_inactive_file on cgroup v1, inactive_file on v2 (as docker ≥ 20.10).</summary>
    public static double MemoryUsageWithoutCache(MemoryStats memory)
    {
        var stats = memory.Stats ?? [];
        if (stats.TryGetValue("total_inactive_file", out var v1) && v1 < memory.Usage)
            return memory.Usage - v1;
        if (stats.GetValueOrDefault("inactive_file") is var v2 && v2 < memory.Usage)
            return memory.Usage - v2;
        return memory.Usage;
    }

    /// <summary>Bytes read and written, summed over devices from the entries whose op starts with r/R or w/W.</summary>
    public static (double Read, double Write) BlockIo(BlkioStats blkio)
    {
        ulong read = 0, write = 0;
        foreach (var entry in blkio.IoServiceBytesRecursive ?? [])
        {
            if (entry.Op.Length == 0)
                continue;
            switch (entry.Op[0])
            {
                case 'r' or 'R':
                    read += entry.Value;
                    break;
                case 'w' or 'W':
                    write += entry.Value;
                    break;
            }
        }
        return (read, write);
    }
}
