using Modular.Api.Models;

namespace Modular.Kernel.Stats;

/// <summary>The unified hierarchy: every controller's files in one folder, times in microseconds, "max" for no limit.</summary>
public sealed class CgroupV2StatsReader(string root, ulong hostMemory) : ICgroupStatsReader
{
    public CgroupStats Read(string cgroupPath)
    {
        string In(string file) => Path.Combine(root, cgroupPath, file);

        var cpuStat = CgroupFiles.ReadKeyValues(In("cpu.stat"));
        var cpu = new CpuUsage
        {
            TotalUsage = cpuStat.GetValueOrDefault("usage_usec") * 1000,
            UsageInKernelmode = cpuStat.GetValueOrDefault("system_usec") * 1000,
            UsageInUsermode = cpuStat.GetValueOrDefault("user_usec") * 1000,
        };
        var throttling = new ThrottlingData
        {
            Periods = cpuStat.GetValueOrDefault("nr_periods"),
            ThrottledPeriods = cpuStat.GetValueOrDefault("nr_throttled"),
            ThrottledTime = cpuStat.GetValueOrDefault("throttled_usec") * 1000,
        };

        var limit = CgroupFiles.ReadLimit(In("memory.max"));
        var memory = new MemoryStats
        {
            Usage = CgroupFiles.ReadNumber(In("memory.current")),
            Stats = CgroupFiles.ReadKeyValues(In("memory.stat")),
            // v2 has no failure counter; dockerd reports the OOM kills of memory.events in its place.
            Failcnt = CgroupFiles.ReadKeyValuesIfPresent(In("memory.events")).GetValueOrDefault("oom"),
            Limit = limit == 0 ? hostMemory : HostMemory.Cap(limit, hostMemory),
        };

        var pids = new PidsStats
        {
            Current = CgroupFiles.ReadNumber(In("pids.current")),
            Limit = CgroupFiles.ReadLimit(In("pids.max")),
        };
        var ioStat = In("io.stat");
        var blkio = new BlkioStats { IoServiceBytesRecursive = File.Exists(ioStat) ? ParseIoStat(File.ReadLines(ioStat)) : null };
        return new CgroupStats(cpu, throttling, memory, blkio, pids);
    }

    /// <summary>
    /// io.stat's "MAJ:MIN rbytes=N wbytes=N rios=N …" lines as dockerd reports them: a "read" and a "write" entry
    /// per device, and no list at all (null) when no device did I/O.
    /// </summary>
    public static List<BlkioStatEntry>? ParseIoStat(IEnumerable<string> lines)
    {
        List<BlkioStatEntry>? entries = null;
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0].Split(':') is not [var majorText, var minorText])
            {
                continue;
            }
            var counters = fields.Skip(1).Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => CgroupFiles.ParseNumber(kv[1]), StringComparer.Ordinal);
            var major = CgroupFiles.ParseNumber(majorText);
            var minor = CgroupFiles.ParseNumber(minorText);
            entries ??= [];
            entries.Add(new BlkioStatEntry { Major = major, Minor = minor, Op = "read", Value = counters.GetValueOrDefault("rbytes") });
            entries.Add(new BlkioStatEntry { Major = major, Minor = minor, Op = "write", Value = counters.GetValueOrDefault("wbytes") });
        }
        return entries;
    }
}
