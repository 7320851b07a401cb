using Modular.Api.Models;
using Modular.Cli.Commands;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

/// <summary>
/// docker 28's <c>{{json .}}</c> on a ps/images row writes &lt;, &gt; and &amp; as \u003c, \u003e and \u0026 (the
/// row's MarshalJSON is Go's json.Marshal), while the same function on a plain value leaves them alone. The expected
/// lines are what the docker CLI printed for the same container.
/// </summary>
public sealed class JsonTemplateEscapingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static ContainerRow Row() => new(new ContainerSummary
    {
        Id = "76a5e31aa92a0000",
        Names = ["/jsontest"],
        Image = "busybox",
        Command = "sh -c 'echo a > /dev/null && echo \"<b&c>\"'",
        Created = Now.AddSeconds(-1).ToUnixTimeSeconds(),
        State = "exited",
        Status = "Exited (0) Less than a second ago",
    }, truncate: true, Now);

    [Fact]
    public void A_ps_row_as_json_escapes_html_characters_like_gos_json_marshal()
    {
        var text = TableOutput.Render("{{json .}}", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers);

        Assert.Contains("""{"Command":"\"sh -c 'echo a \u003e /de…\"",""", text);
        Assert.DoesNotContain(">", text);
    }

    [Fact]
    public void The_json_shorthand_escapes_the_same_way()
    {
        Assert.Equal(
            TableOutput.Render("{{json .}}", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers),
            TableOutput.Render("json", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers));
    }

    [Fact]
    public void A_single_field_as_json_is_not_escaped()
    {
        var text = TableOutput.Render("{{json .Command}}", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers);

        Assert.Equal("\"\\\"sh -c 'echo a > /de…\\\"\"\n", text);
    }

    [Fact]
    public void An_untagged_images_row_writes_none_with_escaped_angle_brackets()
    {
        var image = new ImageSummary { Id = "sha256:80a79989cb53aaaa", RepoTags = ["busybox:latest"], Created = Now.ToUnixTimeSeconds(), Size = 1_986_000 };

        var text = TableOutput.Render("{{json .}}", ImageRow.DefaultTable, ImageRow.For([image], false, true, Now), ImageRow.Headers);

        Assert.Contains("\"Digest\":\"\\u003cnone\\u003e\"", text);
    }

    [Fact]
    public void A_table_header_keeps_its_column_title_through_json_and_friends()
    {
        var text = TableOutput.Render("table {{.ID}}\\t{{json .Command}}\\t{{upper .Names}}", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers);

        Assert.Equal(["CONTAINER", "ID", "COMMAND", "NAMES"], text.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_table_of_whole_rows_as_json_has_an_empty_header_as_in_docker()
    {
        var text = TableOutput.Render("table {{json .}}", ContainerRow.DefaultTable, [Row()], ContainerRow.Headers);

        Assert.StartsWith("\n{\"Command\":", text);
    }

    [Theory]
    [InlineData("{{json .}}", true)]
    [InlineData("table {{json .}}", true)]
    [InlineData("{{.ID}} {{.Size}}", true)]
    [InlineData("json", false)]
    [InlineData("{{json .Command}}", false)]
    [InlineData("{{.ID}}", false)]
    public void Ps_asks_for_sizes_when_the_template_reads_them_as_docker_does(string format, bool expected) =>
        Assert.Equal(expected, PsCommand.TemplateNeedsSize(format));

}
