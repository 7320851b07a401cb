using Modular.Kernel.Stats;
using Xunit;

namespace Modular.Kernel.Tests.Stats;

public sealed class CgroupV1StatsReaderTests
{
    [Fact]
    public void ReadsCpuInNanosecondsWithUserHzTicksConverted()
    {
        var stats = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-unlimited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(49176305905UL, stats.Cpu.TotalUsage);
        Assert.Equal([21659878649UL, 27516427256UL], stats.Cpu.PercpuUsage!);
        Assert.Equal(4883UL * 10_000_000, stats.Cpu.UsageInUsermode);
        Assert.Equal(34UL * 10_000_000, stats.Cpu.UsageInKernelmode);
        Assert.Equal(0UL, stats.Throttling.Periods);
    }

    [Fact]
    public void UnlimitedMemoryAndPidsReadAsHostMemoryAndZero()
    {
        var stats = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-unlimited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(StatsFixtures.HostMemory, stats.Memory.Limit);
        Assert.Equal(344064UL, stats.Memory.Usage);
        Assert.Equal(0UL, stats.Pids.Limit);
        Assert.Equal(1UL, stats.Pids.Current);
    }

    [Fact]
    public void LimitedContainerKeepsItsLimitsAndEveryMemoryStatKey()
    {
        var stats = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-limited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(268435456UL, stats.Memory.Limit);
        Assert.Equal(8962048UL, stats.Memory.Usage);
        Assert.Equal(10481664UL, stats.Memory.MaxUsage);
        Assert.Equal(0UL, stats.Memory.Failcnt);
        Assert.Equal(8392704UL, stats.Memory.Stats!["total_cache"]);
        Assert.Equal(0UL, stats.Memory.Stats["total_inactive_file"]);
        Assert.Equal(42, stats.Memory.Stats.Count);
        Assert.Equal(64UL, stats.Pids.Limit);
        Assert.Equal([25741173UL, 2702272UL], stats.Cpu.PercpuUsage!);
    }

    [Fact]
    public void TotalOnlyBlkioIsAnEmptyListNotNull()
    {
        var stats = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-limited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.NotNull(stats.Blkio.IoServiceBytesRecursive);
        Assert.Empty(stats.Blkio.IoServiceBytesRecursive);
        Assert.NotNull(stats.Blkio.SectorsRecursive);
    }

    [Fact]
    public void BlkioLinesBecomeEntriesPerDeviceAndOpWithoutTheTotalLine()
    {
        var entries = CgroupV1StatsReader.ParseBlkio(
            StatsFixtures.Lines($"cgroup-v1-blkio/blkio/{StatsFixtures.CgroupPath}/blkio.throttle.io_service_bytes_recursive"));

        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal((254UL, 0UL), (e.Major, e.Minor)));
        Assert.Equal(["Read", "Write", "Sync", "Async", "Discard", "Total"], entries.Select(e => e.Op));
        Assert.Equal(8388608UL, entries.Single(e => e.Op == "Write").Value);
    }

    [Fact]
    public void MissingCgroupIsAnIOException()
    {
        var reader = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-limited"), StatsFixtures.HostMemory);

        Assert.ThrowsAny<IOException>(() => reader.Read("modular/gone"));
    }
}
