namespace Modular.Kernel.Stats;

/// <summary>The host's CPU time and CPU count from /proc/stat, computed as dockerd does for the CPU % denominator.</summary>
public static class HostCpu
{
    // /proc/stat counts in USER_HZ, fixed at 100.
    private const ulong NanosecondsPerTick = 1_000_000_000 / 100;

    /// <summary>
    /// The "cpu" line's first seven fields (user, nice, system, idle, iowait, irq, softirq; steal and guest excluded,
    /// as in dockerd) in nanoseconds, and the number of "cpuN" lines (the online CPUs).
    /// </summary>
    public static (ulong SystemUsage, uint OnlineCpus) Parse(IEnumerable<string> procStat)
    {
        ulong? ticks = null;
        uint online = 0;
        foreach (var line in procStat)
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
            {
                if (ticks is not null)
                {
                    break; // the cpu lines come first
                }
                continue;
            }
            if (line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                online++;
                continue;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8)
            {
                throw new InvalidDataException($"/proc/stat: the cpu line has {fields.Length - 1} fields, fewer than 7");
            }
            ticks = fields.Skip(1).Take(7).Aggregate(0UL, (sum, field) => sum + CgroupFiles.ParseNumber(field));
        }
        return ticks is { } total
            ? (total * NanosecondsPerTick, online)
            : throw new InvalidDataException("/proc/stat has no cpu line");
    }
}
