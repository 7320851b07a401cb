using System.Text.Json;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Stats;
using Xunit;

namespace Modular.Kernel.Tests.Stats;

public sealed class ContainerStatsWireTests
{
    // dockerd 20.10's answer for an exited container on this machine, byte for byte.
    private const string DockerdExitedFrame =
        """{"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null,"io_serviced_recursive":null,"io_queue_recursive":null,"io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,"io_time_recursive":null,"sectors_recursive":null},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{},"name":"/exited","id":"7051485a3e6a85ab691f01cdeb83c97717bc7903677ffb1341a2c299185f50ab"}""";

    [Fact]
    public void FrameOfANotRunningContainerIsDockerdsExactly()
    {
        var frame = new ContainerStats { Name = "/exited", Id = "7051485a3e6a85ab691f01cdeb83c97717bc7903677ffb1341a2c299185f50ab" };

        Assert.Equal(DockerdExitedFrame, JsonSerializer.Serialize(frame, ApiJson.Default.ContainerStats));
    }

    [Fact]
    public void SampledFrameHasDockerdsFieldNames()
    {
        var cgroup = new CgroupV1StatsReader(StatsFixtures.Tree("cgroup-v1-limited"), StatsFixtures.HostMemory).Read(StatsFixtures.CgroupPath);
        var frame = new ContainerStats
        {
            Read = new DateTime(2026, 11, 28, 3, 26, 19, DateTimeKind.Utc),
            PidsStats = cgroup.Pids,
            BlkioStats = cgroup.Blkio,
            CpuStats = new CpuStats { CpuUsage = cgroup.Cpu, SystemCpuUsage = 9018770000000, OnlineCpus = 2, ThrottlingData = cgroup.Throttling },
            MemoryStats = cgroup.Memory,
            Networks = NetDev.Parse(StatsFixtures.Lines("proc/net-dev")),
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(frame, ApiJson.Default.ContainerStats));
        var root = json.RootElement;
        Assert.Equal("2026-11-28T03:26:19Z", root.GetProperty("read").GetString());
        Assert.Equal(9018770000000UL, root.GetProperty("cpu_stats").GetProperty("system_cpu_usage").GetUInt64());
        Assert.Equal(2, root.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("percpu_usage").GetArrayLength());
        Assert.Equal(268435456UL, root.GetProperty("memory_stats").GetProperty("limit").GetUInt64());
        Assert.Equal(10481664UL, root.GetProperty("memory_stats").GetProperty("max_usage").GetUInt64());
        Assert.False(root.GetProperty("memory_stats").TryGetProperty("failcnt", out _));
        Assert.Equal(64UL, root.GetProperty("pids_stats").GetProperty("limit").GetUInt64());
        Assert.Equal(227518919UL, root.GetProperty("networks").GetProperty("eth0").GetProperty("rx_bytes").GetUInt64());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("blkio_stats").GetProperty("io_queue_recursive").ValueKind);
        Assert.False(root.TryGetProperty("name", out _));
    }
}
