using Modular.Api.Models;

namespace Modular.Kernel.Stats;

/// <summary>
/// cgroup v1 (and the hybrid layout, whose v2 mount holds no controller we read): one hierarchy per controller under
/// <c>&lt;root&gt;/&lt;controller&gt;/</c>. The names cpu and cpuacct also work where the two are mounted together,
/// since systemd links both names to the shared "cpu,cpuacct" mount.
/// </summary>
public sealed class CgroupV1StatsReader(string root, ulong hostMemory) : ICgroupStatsReader
{
    // cpuacct.stat counts in USER_HZ, which the kernel fixes at 100 for every architecture docker supports.
    private const ulong NanosecondsPerTick = 1_000_000_000 / 100;

    public CgroupStats Read(string cgroupPath)
    {
        string In(string controller, string file) => Path.Combine(root, controller, cgroupPath, file);

        var ticks = CgroupFiles.ReadKeyValues(In("cpuacct", "cpuacct.stat"));
        var cpu = new CpuUsage
        {
            TotalUsage = CgroupFiles.ReadNumber(In("cpuacct", "cpuacct.usage")),
            PercpuUsage = CgroupFiles.ReadNumbers(In("cpuacct", "cpuacct.usage_percpu")),
            UsageInKernelmode = ticks.GetValueOrDefault("system") * NanosecondsPerTick,
            UsageInUsermode = ticks.GetValueOrDefault("user") * NanosecondsPerTick,
        };

        var cfs = CgroupFiles.ReadKeyValuesIfPresent(In("cpu", "cpu.stat"));
        var throttling = new ThrottlingData
        {
            Periods = cfs.GetValueOrDefault("nr_periods"),
            ThrottledPeriods = cfs.GetValueOrDefault("nr_throttled"),
            ThrottledTime = cfs.GetValueOrDefault("throttled_time"),
        };

        var memory = new MemoryStats
        {
            Usage = CgroupFiles.ReadNumber(In("memory", "memory.usage_in_bytes")),
            MaxUsage = CgroupFiles.ReadNumber(In("memory", "memory.max_usage_in_bytes")),
            Failcnt = CgroupFiles.ReadNumber(In("memory", "memory.failcnt")),
            Stats = CgroupFiles.ReadKeyValues(In("memory", "memory.stat")),
            Limit = HostMemory.Cap(CgroupFiles.ReadNumber(In("memory", "memory.limit_in_bytes")), hostMemory),
        };

        var blkio = BlkioStats.Empty();
        blkio.IoServiceBytesRecursive = ReadBlkio(In("blkio", "blkio.throttle.io_service_bytes_recursive"), In("blkio", "blkio.throttle.io_service_bytes"));
        blkio.IoServicedRecursive = ReadBlkio(In("blkio", "blkio.throttle.io_serviced_recursive"), In("blkio", "blkio.throttle.io_serviced"));

        var pids = new PidsStats
        {
            Current = CgroupFiles.ReadNumber(In("pids", "pids.current")),
            Limit = CgroupFiles.ReadLimit(In("pids", "pids.max")),
        };
        return new CgroupStats(cpu, throttling, memory, blkio, pids);
    }

    /// <summary>"MAJ:MIN Op value" lines; the closing "Total value" line has no device and is not an entry (as in dockerd).</summary>
    public static List<BlkioStatEntry> ParseBlkio(IEnumerable<string> lines)
    {
        var entries = new List<BlkioStatEntry>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || fields[0].Split(':') is not [var major, var minor])
            {
                continue;
            }
            entries.Add(new BlkioStatEntry
            {
                Major = CgroupFiles.ParseNumber(major),
                Minor = CgroupFiles.ParseNumber(minor),
                Op = fields[1],
                Value = CgroupFiles.ParseNumber(fields[2]),
            });
        }
        return entries;
    }

    private static List<BlkioStatEntry> ReadBlkio(string recursive, string flat) =>
        File.Exists(recursive) ? ParseBlkio(File.ReadLines(recursive))
        : File.Exists(flat) ? ParseBlkio(File.ReadLines(flat))
        : [];
}
