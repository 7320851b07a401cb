using Modular.Kernel.Stats;
using Xunit;

namespace Modular.Kernel.Tests.Stats;

public sealed class CgroupV2StatsReaderTests
{
    [Fact]
    public void MicrosecondsBecomeNanosecondsAndThereIsNoPerCpuUsage()
    {
        var stats = new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(7391022UL * 1000, stats.Cpu.TotalUsage);
        Assert.Equal(7283519UL * 1000, stats.Cpu.UsageInUsermode);
        Assert.Equal(107503UL * 1000, stats.Cpu.UsageInKernelmode);
        Assert.Null(stats.Cpu.PercpuUsage);
        Assert.Equal((120UL, 37UL, 1852344UL * 1000), (stats.Throttling.Periods, stats.Throttling.ThrottledPeriods, stats.Throttling.ThrottledTime));
    }

    [Fact]
    public void MemoryAndPidsWithLimits()
    {
        var stats = new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(3796992UL, stats.Memory.Usage);
        Assert.Equal(536870912UL, stats.Memory.Limit);
        Assert.Equal(2441216UL, stats.Memory.Stats!["inactive_file"]);
        Assert.Equal(0UL, stats.Memory.MaxUsage);
        Assert.Equal((3UL, 64UL), (stats.Pids.Current, stats.Pids.Limit));
    }

    [Fact]
    public void IoStatGivesAReadAndAWriteEntryPerDevice()
    {
        var stats = new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        var entries = stats.Blkio.IoServiceBytesRecursive!;
        Assert.Equal(
            [(254UL, 0UL, "read", 2498560UL), (254UL, 0UL, "write", 8388608UL), (253UL, 0UL, "read", 0UL), (253UL, 0UL, "write", 4096UL)],
            entries.Select(e => (e.Major, e.Minor, e.Op, e.Value)));
        Assert.Null(stats.Blkio.IoServicedRecursive);
    }

    [Fact]
    public void MaxMeansHostMemoryAndNoPidsLimitAndEmptyIoStatMeansNoList()
    {
        // cpu.stat here is the real one of this host's unified root: no cpu controller, so no throttling fields.
        var stats = new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2-unlimited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);

        Assert.Equal(StatsFixtures.HostMemory, stats.Memory.Limit);
        Assert.Equal(0UL, stats.Pids.Limit);
        Assert.Null(stats.Blkio.IoServiceBytesRecursive);
        Assert.Equal(0UL, stats.Throttling.Periods);
        Assert.True(stats.Cpu.TotalUsage > 0);
    }
}
