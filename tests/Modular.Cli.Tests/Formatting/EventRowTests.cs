using Modular.Api.Models;
using Modular.Cli.Commands;
using Modular.Cli.Formatting;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class EventRowTests
{
    private static EventMessage Start() => new()
    {
        Status = "start",
        Id = "113b499d84ac",
        From = "busybox",
        Type = "container",
        Action = "start",
        Actor = new EventActor { ID = "113b499d84ac", Attributes = new() { ["name"] = "x", ["image"] = "busybox", ["exitCode"] = "0" } },
        Time = 1_795_836_374,
        TimeNano = 1_795_836_374_843_724_500,
    };

    [Fact]
    public void Default_line_has_nine_fraction_digits_and_attributes_sorted_by_key()
    {
        Assert.Equal("2026-11-28T03:26:14.843724500Z container start 113b499d84ac (exitCode=0, image=busybox, name=x)",
            EventRow.DefaultLine(Start(), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Default_line_uses_the_local_offset_and_falls_back_to_whole_seconds()
    {
        var message = Start();
        message.TimeNano = 0;
        var zone = TimeZoneInfo.CreateCustomTimeZone("minus3", TimeSpan.FromHours(-3), "minus3", "minus3");
        Assert.StartsWith("2026-11-28T00:26:14.000000000-03:00 container start", EventRow.DefaultLine(message, zone));
    }

    [Fact]
    public void Default_line_without_attributes_or_time_has_no_parentheses_and_no_timestamp()
    {
        var message = new EventMessage { Type = "image", Action = "import", Actor = new EventActor { ID = "sha256:d4" } };
        Assert.Equal("image import sha256:d4", EventRow.DefaultLine(message, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Json_format_is_the_wire_shape_with_legacy_fields_only_when_set_and_no_html_escaping()
    {
        var message = Start();
        message.Action = message.Status = "exec_create: sh -c echo a >&2";
        var template = EventsCommand.MakeTemplate("json");
        Assert.Equal(
            """{"status":"exec_create: sh -c echo a >&2","id":"113b499d84ac","from":"busybox","Type":"container","Action":"exec_create: sh -c echo a >&2","Actor":{"ID":"113b""" +
            """499d84ac","Attributes":{"exitCode":"0","image":"busybox","name":"x"}},"scope":"local","time":1795836374,"timeNano":1795836374843724500}""",
            EventsCommand.Render(message, template, TimeZoneInfo.Utc));

        var image = new EventMessage { Type = "image", Action = "import", Actor = new EventActor { ID = "sha256:d4" }, Time = 1, TimeNano = 1_000_000_000 };
        Assert.Equal("""{"Type":"image","Action":"import","Actor":{"ID":"sha256:d4","Attributes":{}},"scope":"local","time":1,"timeNano":1000000000}""",
            EventsCommand.Render(image, template, TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("{{.ID}} {{.Actor.Attributes.name}} {{.Time}}", "113b499d84ac x 1795836374")]
    [InlineData("{{.Actor}}", "{113b499d84ac map[exitCode:0 image:busybox name:x]}")]
    [InlineData("{{.}}", "{start 113b499d84ac busybox container start {113b499d84ac map[exitCode:0 image:busybox name:x]} local 1795836374 1795836374843724500}")]
    [InlineData("{{json .Actor.Attributes}}", """{"exitCode":"0","image":"busybox","name":"x"}""")]
    public void Templates_see_go_field_names_and_print_structs_like_go(string format, string expected) =>
        Assert.Equal(expected, EventsCommand.Render(Start(), EventsCommand.MakeTemplate(format), TimeZoneInfo.Utc));

    [Theory]
    [InlineData("{{.bad}}")]
    [InlineData("{{.ID")]
    public void A_template_that_cannot_run_on_an_empty_event_is_refused_with_status_64(string format)
    {
        var error = Assert.Throws<CliStatusException>(() => EventsCommand.MakeTemplate(format));
        Assert.Equal(64, error.ExitCode);
        Assert.StartsWith("Error parsing format: template: ", error.Message);
    }
}
