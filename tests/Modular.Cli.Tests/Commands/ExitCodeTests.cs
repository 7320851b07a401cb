using Modular.Cli.Commands;
using Xunit;

namespace Modular.Cli.Tests.Commands;

public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("OCI runtime create failed: exec: \"nosuchcmd\": executable file not found in $PATH: unknown", 127)]
    [InlineData("exec /app: no such file or directory", 127)]
    [InlineData("exec: \"/etc\": permission denied: unknown", 126)]
    [InlineData("exec format error: /bin/x is a directory", 126)]
    [InlineData("No such image: nosuch:latest", 125)]
    [InlineData("Conflict. The container name \"/web\" is already in use", 125)]
    public void Run_failures_map_to_dockers_exit_codes(string message, int expected) =>
        Assert.Equal(expected, CliErrors.ExitCodeForRunFailure(message));

    [Fact]
    public void Errors_with_help_name_the_command()
    {
        var error = CliErrors.WithHelp("run", "Error response from daemon: boom", 125);
        Assert.Equal("modular: Error response from daemon: boom\n\nRun 'modular run --help' for more information", error.Message);
        Assert.Equal(125, error.ExitCode);
    }

    [Theory]
    [InlineData("10m", "1795865400.000000000")]
    [InlineData("1h30m", "1795860600.000000000")]
    [InlineData("2026-11-28T11:00:00Z", "1795863600.000000000")]
    [InlineData("1795863600.5", "1795863600.5")]
    public void Logs_since_accepts_durations_dates_and_unix_times(string value, string expected) =>
        Assert.Equal(expected, LogsCommand.ToTimestamp(value, new DateTimeOffset(2026, 11, 28, 11, 40, 0, TimeSpan.Zero)));

    [Fact]
    public void Inspect_json_is_reindented_like_go_without_reescaping()
    {
        var raw = """[{"Id":"x","Tags":[],"Cfg":{},"V":"a\u003cb+c","N":[1,2]}]""";
        Assert.Equal("[\n    {\n        \"Id\": \"x\",\n        \"Tags\": [],\n        \"Cfg\": {},\n        \"V\": \"a\\u003cb+c\",\n        \"N\": [\n            1,\n            2\n        ]\n    }\n]",
            JsonIndent.Indent(raw, "", "    "));
    }
}
