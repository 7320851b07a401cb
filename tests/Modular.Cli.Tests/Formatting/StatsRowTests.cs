using Modular.Api.Models;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class StatsRowTests
{
    private static ContainerStats Frame(ulong usage, Dictionary<string, ulong> memoryStat) => new()
    {
        Name = "/web",
        Id = "f331ba0d9fae8c1c4ad1c2b2c7b1f6e8a4e4b4d7e0c3e1f2a3b4c5d6e7f80912",
        PreCpuStats = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 1_000_000_000 }, SystemCpuUsage = 100_000_000_000 },
        CpuStats = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 1_500_000_000 }, SystemCpuUsage = 102_000_000_000, OnlineCpus = 2 },
        MemoryStats = new MemoryStats { Usage = usage, Limit = 8UL << 30, Stats = memoryStat },
        PidsStats = new PidsStats { Current = 3 },
        Networks = new Dictionary<string, NetworkStats>
        {
            ["eth0"] = new() { RxBytes = 1_500, TxBytes = 648 },
            ["eth1"] = new() { RxBytes = 500, TxBytes = 0 },
        },
        BlkioStats = new BlkioStats
        {
            IoServiceBytesRecursive =
            [
                new BlkioStatEntry { Op = "read", Value = 4_096_000 }, new BlkioStatEntry { Op = "write", Value = 12_288 },
                new BlkioStatEntry { Op = "Read", Value = 4_000 }, new BlkioStatEntry { Op = "Total", Value = 99 },
            ],
        },
    };

    [Fact]
    public void Cpu_percent_is_the_share_of_host_time_times_the_cpus()
    {
        // 0.5 s of container CPU over 2 s of host CPU time on 2 CPUs.
        var entry = StatsEntry.From("web", Frame(10 << 20, []));
        Assert.Equal(50.0, entry.CpuPercentage, 6);
        Assert.Equal("50.00%", new StatsRow(entry, truncate: true).CPUPerc);
    }

    [Fact]
    public void Cpu_percent_counts_per_cpu_entries_when_online_cpus_is_missing_and_is_zero_without_progress()
    {
        var previous = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 100 }, SystemCpuUsage = 1000 };
        var current = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 200, PercpuUsage = [1, 2, 3, 4] }, SystemCpuUsage = 2000 };
        Assert.Equal(40.0, StatsEntry.CpuPercent(previous, current), 6);
        Assert.Equal(0, StatsEntry.CpuPercent(current, current));
    }

    [Fact]
    public void Memory_leaves_out_inactive_file_on_cgroup_v2_and_total_inactive_file_on_v1()
    {
        Assert.Equal(6 << 20, StatsEntry.MemoryUsageWithoutCache(Frame(10 << 20, new() { ["inactive_file"] = 4 << 20 }).MemoryStats));
        Assert.Equal(7 << 20, StatsEntry.MemoryUsageWithoutCache(
            Frame(10 << 20, new() { ["total_inactive_file"] = 3 << 20, ["inactive_file"] = 1 << 20 }).MemoryStats));
        // A cache larger than the usage (a racy read) is ignored.
        Assert.Equal(1 << 20, StatsEntry.MemoryUsageWithoutCache(Frame(1 << 20, new() { ["inactive_file"] = 2 << 20 }).MemoryStats));
    }

    [Fact]
    public void Row_fields_are_formatted_as_docker()
    {
        var row = new StatsRow(StatsEntry.From("web", Frame(10 << 20, new() { ["inactive_file"] = 4 << 20 })), truncate: true);
        Assert.Equal("web", row.Name);
        Assert.Equal("f331ba0d9fae", row.ID);
        Assert.Equal("6MiB / 8GiB", row.MemUsage);
        Assert.Equal("0.07%", row.MemPerc);
        Assert.Equal("2kB / 648B", row.NetIO);
        Assert.Equal("4.1MB / 12.3kB", row.BlockIO);
        Assert.Equal("3", row.PIDs);
    }

    [Fact]
    public void Invalid_entries_show_dashes_and_a_nameless_one_shows_dashes_for_its_name()
    {
        var row = new StatsRow(new StatsEntry { Container = "gone", Id = "gone", IsInvalid = true }, truncate: true);
        Assert.Equal(["--", "--", "-- / --", "--", "--", "--", "--"], [row.Name, row.CPUPerc, row.MemUsage, row.MemPerc, row.NetIO, row.BlockIO, row.PIDs]);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1023, "1023B")]
    [InlineData(1536, "1.5KiB")]
    [InlineData(2048000, "1.953MiB")]
    [InlineData(25275629568, "23.54GiB")]
    public void Bytes_size_uses_binary_units_with_four_significant_digits(double bytes, string expected) =>
        Assert.Equal(expected, StatsRow.BytesSize(bytes));

    [Fact]
    public void Default_table_has_docker_headers()
    {
        var text = TableOutput.Render(null, StatsRow.DefaultTable,
            [new StatsRow(StatsEntry.From("web", Frame(10 << 20, [])), truncate: true)], StatsRow.Headers);
        var header = text.Split('\n')[0];
        Assert.Equal(["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"],
            System.Text.RegularExpressions.Regex.Split(header.TrimEnd(), " {2,}"));
        Assert.Equal(header.IndexOf("NAME", StringComparison.Ordinal), text.Split('\n')[1].IndexOf("web", StringComparison.Ordinal));
    }
}
