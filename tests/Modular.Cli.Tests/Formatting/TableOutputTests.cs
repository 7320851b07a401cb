using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class TableOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Tabwriter_pads_to_widest_cell_plus_three_with_minimum_ten_and_leaves_last_column_alone()
    {
        var text = new TabWriter().Format("A\tLONGER HEADER\tX\nvalue-that-is-long\tb\tlast\n");
        Assert.Equal(
            "A                    LONGER HEADER   X\n" +
            "value-that-is-long   b               last\n", text);
    }

    [Fact]
    public void Tabwriter_column_block_ends_at_a_line_without_that_column()
    {
        var text = new TabWriter().Format("a\tb\tc\nshort\nlonglonglonglong\tx\n");
        Assert.Equal("a         b         c\nshort\nlonglonglonglong   x\n", text);
    }

    private static ContainerSummary Summary(string id = "0123456789abcdef0123", string command = "sh -c 'while true; do sleep 1; done'") => new()
    {
        Id = id,
        Names = ["/web"],
        Image = "busybox",
        Command = command,
        Created = Now.AddSeconds(-5).ToUnixTimeSeconds(),
        State = "running",
        Status = "Up 3 minutes",
        Labels = new() { ["b"] = "2", ["a"] = "1" },
        Ports = [new Port { PrivatePort = 80, PublicPort = 8080, IP = "0.0.0.0", Type = "tcp" }, new Port { PrivatePort = 443, Type = "tcp" }],
    };

    [Fact]
    public void Ps_default_table_matches_dockers_layout()
    {
        var text = TableOutput.Render(null, ContainerRow.DefaultTable, [new ContainerRow(Summary(), truncate: true, Now)], ContainerRow.Headers);

        Assert.Equal(
            "CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS                           NAMES\n" +
            "0123456789ab   busybox   \"sh -c 'while true; …\"   5 seconds ago   Up 3 minutes   0.0.0.0:8080->80/tcp, 443/tcp   web\n",
            text);
    }

    [Fact]
    public void Ps_custom_fields_labels_and_no_trunc()
    {
        var row = new ContainerRow(Summary(), truncate: false, Now);
        var text = TableOutput.Render("{{.ID}} {{.Labels}} {{.Label \"a\"}} {{.Command}}", ContainerRow.DefaultTable, [row], ContainerRow.Headers);
        Assert.Equal("0123456789abcdef0123 a=1,b=2 1 \"sh -c 'while true; do sleep 1; done'\"\n", text);
    }

    [Fact]
    public void Custom_table_gets_a_header_row_even_without_rows()
    {
        Assert.Equal("CONTAINER ID   NAMES\n", TableOutput.Render("table {{.ID}}\\t{{.Names}}", ContainerRow.DefaultTable, [], ContainerRow.Headers));
    }

    [Fact]
    public void Images_rows_expand_tags_and_show_none_for_dangling()
    {
        var image = new ImageSummary
        {
            Id = "sha256:876beab3c28343bebe409fd2817b8db3e0dfebeac638f78904abeb894751a077",
            RepoTags = ["busybox:latest", "docker.io/library/busybox:1.36", "localhost:5000/tools/bb:v1"],
            Created = Now.AddHours(-3).ToUnixTimeSeconds(),
            Size = 4_260_000,
        };
        var dangling = new ImageSummary { Id = "sha256:ffff000011112222", Created = Now.AddDays(-20).ToUnixTimeSeconds(), Size = 999 };

        var text = TableOutput.Render(null, ImageRow.DefaultTable, ImageRow.For([image, dangling], false, true, Now), ImageRow.Headers);

        Assert.Equal(
            "REPOSITORY                TAG       IMAGE ID       CREATED       SIZE\n" +
            "busybox                   latest    876beab3c283   3 hours ago   4.26MB\n" +
            "busybox                   1.36      876beab3c283   3 hours ago   4.26MB\n" +
            "localhost:5000/tools/bb   v1        876beab3c283   3 hours ago   4.26MB\n" +
            "<none>                    <none>    ffff00001111   2 weeks ago   999B\n", text);
    }

    [Theory]
    [InlineData(0, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(119, "About a minute")]
    [InlineData(120, "2 minutes")]
    [InlineData(3599, "59 minutes")]
    [InlineData(5400, "2 hours")]
    [InlineData(3600 * 47, "47 hours")]
    [InlineData(3600 * 48, "2 days")]
    [InlineData(86400 * 14, "2 weeks")]
    [InlineData(86400 * 60, "2 months")]
    [InlineData(86400 * 800, "2 years")]
    public void Durations_follow_go_units(int seconds, string expected) =>
        Assert.Equal(expected, HumanUnits.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1000, "1kB")]
    [InlineData(1234, "1.23kB")]
    [InlineData(4_260_000, "4.26MB")]
    [InlineData(1_984_000, "1.98MB")]
    [InlineData(999_999, "1e+03kB")]
    [InlineData(123_456_789_012, "123GB")]
    public void Sizes_follow_go_units_with_three_significant_digits(long bytes, string expected) =>
        Assert.Equal(expected, HumanUnits.Size(bytes));

    [Fact]
    public void Container_status_strings()
    {
        var started = Now.AddMinutes(-3);
        Assert.Equal("Up 3 minutes", HumanUnits.ContainerStatus("running", 0, started, default, Now));
        Assert.Equal("Up 3 minutes (healthy)", HumanUnits.ContainerStatus("running", 0, started, default, Now, "healthy"));
        Assert.Equal("Exited (137) 2 minutes ago", HumanUnits.ContainerStatus("exited", 137, started, Now.AddMinutes(-2), Now));
        Assert.Equal("Created", HumanUnits.ContainerStatus("created", 0, default, default, Now));
        Assert.Equal("Up 3 minutes (Paused)", HumanUnits.ContainerStatus("paused", 0, started, default, Now));
    }
}
