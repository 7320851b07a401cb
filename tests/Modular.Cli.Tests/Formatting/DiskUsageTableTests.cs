using System.Text.Json;
using Modular.Api.Models;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class DiskUsageTableTests
{
    private static DiskUsage Usage() => new()
    {
        LayersSize = 10_000_000,
        Images =
        [
            new ImageSummary { Id = "sha256:aaaa", Size = 4_000_000, SharedSize = 1_000_000, Containers = 2 },
            new ImageSummary { Id = "sha256:bbbb", Size = 7_000_000, SharedSize = 1_000_000, Containers = 0 },
        ],
        Containers =
        [
            new ContainerSummary { Id = "c1", State = "running", SizeRw = 2 },
            new ContainerSummary { Id = "c2", State = "exited", SizeRw = 1_500 },
            new ContainerSummary { Id = "c3", State = "paused", SizeRw = 500 },
        ],
        Volumes =
        [
            JsonDocument.Parse("""{"Name":"v1","UsageData":{"RefCount":0,"Size":4096}}""").RootElement.Clone(),
            JsonDocument.Parse("""{"Name":"v2","UsageData":{"RefCount":1,"Size":-1}}""").RootElement.Clone(),
        ],
    };

    [Fact]
    public void Summary_table_matches_dockers_columns_counts_and_reclaimable_percentages()
    {
        var text = TableOutput.Render(null, DiskUsageRow.DefaultTable, DiskUsageRow.For(Usage()), DiskUsageRow.Headers);
        Assert.Equal(
            "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n" +
            "Images          2         1         10MB      7MB (70%)\n" +
            "Containers      3         2         2.002kB   1.5kB (74%)\n" +
            "Local Volumes   2         1         4.096kB   4.096kB (100%)\n" +
            "Build Cache     0         0         0B        0B\n", text);
    }

    [Fact]
    public void Empty_daemon_shows_zero_rows_without_percentages()
    {
        var text = TableOutput.Render(null, DiskUsageRow.DefaultTable, DiskUsageRow.For(new DiskUsage()), DiskUsageRow.Headers);
        Assert.Equal(
            "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n" +
            "Images          0         0         0B        0B\n" +
            "Containers      0         0         0B        0B\n" +
            "Local Volumes   0         0         0B        0B\n" +
            "Build Cache     0         0         0B        0B\n", text);
    }

    [Fact]
    public void Json_format_gives_one_object_per_row_with_string_values()
    {
        var text = TableOutput.Render("json", DiskUsageRow.DefaultTable, DiskUsageRow.For(Usage()), DiskUsageRow.Headers);
        Assert.StartsWith("""{"Active":"1","Reclaimable":"7MB (70%)","Size":"10MB","TotalCount":"2","Type":"Images"}""" + "\n", text);
        Assert.Equal(4, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Verbose_lists_each_section_under_its_title()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var usage = new DiskUsage
        {
            LayersSize = 1_982_000,
            Images = [new ImageSummary { Id = "sha256:d484e545b8b1371e75f4", RepoTags = ["busybox:latest"], Size = 1_982_000, Containers = 1, Created = now.AddSeconds(-11).ToUnixTimeSeconds() }],
        };
        var text = DiskUsageVerbose.Render(usage, now);
        Assert.Equal(
            "Images space usage:\n\n" +
            "REPOSITORY   TAG       IMAGE ID       CREATED          SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS\n" +
            "busybox      latest    d484e545b8b1   11 seconds ago   1.98MB    0B            1.982MB       1\n" +
            "\nContainers space usage:\n\n" +
            "CONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   STATUS    NAMES\n" +
            "\nLocal Volumes space usage:\n\n" +
            "VOLUME NAME   LINKS     SIZE\n" +
            "\nBuild cache usage: 0B\n\n" +
            "CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n", text);
    }
}
