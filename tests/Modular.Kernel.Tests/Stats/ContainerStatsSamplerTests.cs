using Modular.Kernel.Stats;
using Modular.Kernel.Tests.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Stats;

public sealed class ContainerStatsSamplerTests
{
    [Fact]
    public void HostWithACgroup2RootReadsV2AndOtherwiseV1()
    {
        using var root = new TempFolder("cgroup-root");
        Assert.IsType<CgroupV1StatsReader>(ContainerStatsSampler.ForHost(root.Path).Cgroups);

        root.Write("cgroup.controllers", "cpuset cpu io memory pids\n");
        Assert.IsType<CgroupV2StatsReader>(ContainerStatsSampler.ForHost(root.Path).Cgroups);
    }

    [Fact]
    public void SampleCombinesCgroupHostCpuAndTheInitsNetworks()
    {
        using var proc = new TempFolder("proc");
        File.Copy(Path.Combine(StatsFixtures.Tree("proc"), "stat"), proc.Combine("stat"));
        proc.Write("4242/net/dev", string.Join('\n', StatsFixtures.Lines("proc/net-dev")));
        var sampler = new ContainerStatsSampler(new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2"), StatsFixtures.HostMemory), proc.Path);

        var before = DateTime.UtcNow;
        var frame = sampler.Sample(StatsFixtures.ContainerId, 4242);

        Assert.InRange(frame.Read, before, DateTime.UtcNow);
        Assert.Equal(7391022UL * 1000, frame.CpuStats.CpuUsage.TotalUsage);
        Assert.Equal(2u, frame.CpuStats.OnlineCpus);
        Assert.True(frame.CpuStats.SystemCpuUsage > 0);
        Assert.Contains("eth0", frame.Networks!.Keys);
        Assert.Equal(3796992UL, frame.MemoryStats.Usage);
    }

    [Fact]
    public void SampleOfAnExitedInitIsAnIOException()
    {
        using var proc = new TempFolder("proc");
        File.Copy(Path.Combine(StatsFixtures.Tree("proc"), "stat"), proc.Combine("stat"));
        var sampler = new ContainerStatsSampler(new CgroupV2StatsReader(StatsFixtures.Tree("cgroup-v2"), StatsFixtures.HostMemory), proc.Path);

        Assert.ThrowsAny<IOException>(() => sampler.Sample(StatsFixtures.ContainerId, 4242));
    }
}
