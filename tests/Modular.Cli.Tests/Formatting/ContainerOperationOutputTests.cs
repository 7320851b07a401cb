using Modular.Api.Models;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class ContainerOperationOutputTests
{
    [Fact]
    public void Diff_lines_letter_each_kind()
    {
        ContainerChange[] changes =
        [
            new() { Path = "/tmp", Kind = 0 },
            new() { Path = "/tmp/count", Kind = 1 },
            new() { Path = "/x", Kind = 2 },
        ];
        Assert.Equal(["C /tmp", "A /tmp/count", "D /x"], changes.Select(ChangeLines.Line));
    }

    [Fact]
    public void Top_table_uses_twenty_column_cells_and_leaves_the_command_unpadded()
    {
        var top = new ContainerTopResponse
        {
            Titles = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
            Processes =
            [
                ["root", "8941", "5838", "0", "03:26", "?", "00:00:00", "sleep 1000"],
                ["nobody", "9001", "8941", "0", "03:27", "?", "00:00:00", "sh -c a-very-long-command-line-here"],
            ],
        };
        Assert.Equal(
            "UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD\n" +
            "root                8941                5838                0                   03:26               ?                   00:00:00            sleep 1000\n" +
            "nobody              9001                8941                0                   03:27               ?                   00:00:00            sh -c a-very-long-command-line-here\n",
            TopTable.Render(top));
    }

    [Fact]
    public void Top_table_widens_a_column_for_a_cell_longer_than_twenty()
    {
        var top = new ContainerTopResponse { Titles = ["PID", "COMMAND"], Processes = [["1234567890123456789012", "sleep"]] };
        Assert.Equal("PID                      COMMAND\n1234567890123456789012   sleep\n", TopTable.Render(top));
    }

    [Fact]
    public void Port_lines_are_in_natural_order_with_ipv6_hosts_bracketed()
    {
        var ports = new Dictionary<string, List<PortBinding>?>
        {
            ["8080/tcp"] = [new PortBinding { HostIp = "0.0.0.0", HostPort = "18080" }],
            ["80/tcp"] = [new PortBinding { HostIp = "0.0.0.0", HostPort = "8000" }, new PortBinding { HostIp = "::", HostPort = "8000" }],
            ["443/tcp"] = null,
            ["9/udp"] = [new PortBinding { HostIp = "127.0.0.1", HostPort = "9" }],
        };
        Assert.Equal(
            ["9/udp -> 127.0.0.1:9", "80/tcp -> 0.0.0.0:8000", "80/tcp -> [::]:8000", "8080/tcp -> 0.0.0.0:18080"],
            PortLines.All(ports));
    }

    [Fact]
    public void No_published_ports_print_nothing() => Assert.Empty(PortLines.All(new Dictionary<string, List<PortBinding>?>()));

    [Theory]
    [InlineData("a2", "a10")]
    [InlineData("a2b", "a02")] // equal values: fewer leading zeros first, whatever follows
    [InlineData("1x", "ax")]
    [InlineData("ab", "abc")]
    public void Natural_order_compares_digit_runs_by_value(string smaller, string larger)
    {
        Assert.True(NaturalOrder.Compare(smaller, larger) < 0);
        Assert.True(NaturalOrder.Compare(larger, smaller) > 0);
    }
}
