using Modular.Kernel.Stats;
using Xunit;

namespace Modular.Kernel.Tests.Stats;

public sealed class HostCountersTests
{
    [Fact]
    public void SystemCpuUsageSumsSevenFieldsOfTheCpuLineAsNanoseconds()
    {
        var (systemUsage, onlineCpus) = HostCpu.Parse(StatsFixtures.Lines("proc/stat"));

        // cpu  441520 0 160515 308382 2782 0 635 433 0 0: steal (433) and guest are not counted.
        Assert.Equal((441520UL + 160515 + 308382 + 2782 + 635) * 10_000_000, systemUsage);
        Assert.Equal(2u, onlineCpus);
    }

    [Fact]
    public void ProcStatWithoutCpuLineIsRefused()
    {
        Assert.Throws<InvalidDataException>(() => HostCpu.Parse(["intr 0", "ctxt 1"]));
    }

    [Fact]
    public void MemTotalIsInBytes()
    {
        Assert.Equal(StatsFixtures.HostMemory, HostMemory.ParseMemTotal(StatsFixtures.Lines("proc/meminfo")));
    }

    [Fact]
    public void HostMemoryCapsOnlyLimitsAboveIt()
    {
        Assert.Equal(100UL, HostMemory.Cap(9223372036854771712, 100));
        Assert.Equal(50UL, HostMemory.Cap(50, 100));
    }

    [Fact]
    public void NetDevReportsEveryInterfaceButLoopback()
    {
        var interfaces = NetDev.Parse(StatsFixtures.Lines("proc/net-dev"))!;

        Assert.Equal(["ifb0", "ifb1", "eth0"], interfaces.Keys);
        var eth0 = interfaces["eth0"];
        Assert.Equal((227518919UL, 5318UL, 257373UL, 3180UL), (eth0.RxBytes, eth0.RxPackets, eth0.TxBytes, eth0.TxPackets));
        Assert.Equal((0UL, 0UL, 0UL, 0UL), (eth0.RxErrors, eth0.RxDropped, eth0.TxErrors, eth0.TxDropped));
    }

    [Fact]
    public void NetDevWithOnlyLoopbackHasNoNetworks()
    {
        var loopbackOnly = StatsFixtures.Lines("proc/net-dev").Where(l => !l.Contains("eth0") && !l.Contains("ifb"));

        Assert.Null(NetDev.Parse(loopbackOnly));
    }
}
