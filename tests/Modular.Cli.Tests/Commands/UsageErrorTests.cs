using System.Diagnostics;
using Xunit;

namespace Modular.Cli.Tests.Commands;

/// <summary>
/// Wrong argument counts, bad flags and unknown commands print docker 28's text (with modular for docker) and its
/// exit status. The expected texts were taken from the docker CLI, which prints them without a daemon; the last
/// theory asks the docker CLI on PATH again, when there is one.
/// </summary>
public sealed class UsageErrorTests
{
    private static (string Text, int ExitCode) Error(params string[] args)
    {
        var (_, error) = CliApplication.Parse(CliApplication.BuildRoot(), args);
        Assert.NotNull(error);
        return (error.Text, error.ExitCode);
    }

    [Fact]
    public void Too_few_arguments_for_an_open_ended_command_say_at_least_and_see()
    {
        Assert.Equal(("modular: 'modular run' requires at least 1 argument\n\nUsage:  modular run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n" +
                      "See 'modular run --help' for more information", 1), Error("run"));
        Assert.Equal(("modular: 'modular exec' requires at least 2 arguments\n\nUsage:  modular exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n" +
                      "See 'modular exec --help' for more information", 1), Error("exec", "c"));
    }

    [Fact]
    public void Exact_none_at_most_and_ranged_counts_use_cobras_words()
    {
        Assert.Equal(("modular: 'modular logs' requires 1 argument\n\nUsage:  modular logs [OPTIONS] CONTAINER\n\n" +
                      "Run 'modular logs --help' for more information", 1), Error("logs"));
        Assert.Equal(("modular: 'modular network ls' accepts no arguments\n\nUsage:  modular network ls [OPTIONS]\n\n" +
                      "Run 'modular network ls --help' for more information", 1), Error("network", "ls", "x"));
        // "SRun" is docker/cli's own typo in RequiresMaxArgs.
        Assert.Equal(("modular: 'modular images' requires at most 1 argument\n\nUsage:  modular images [OPTIONS] [REPOSITORY[:TAG]]\n\n" +
                      "SRun 'modular images --help' for more information", 1), Error("images", "a", "b"));
        Assert.Equal(("modular: 'modular commit' requires at least 1 and at most 2 arguments\n\nUsage:  modular commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\n" +
                      "Run 'modular commit --help' for more information", 1), Error("commit"));
    }

    [Fact]
    public void A_command_with_two_forms_prints_both_usage_lines()
    {
        Assert.Equal(("modular: 'modular cp' requires 2 arguments\n\nUsage:  modular cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n" +
                      "\tmodular cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n\nRun 'modular cp --help' for more information", 1), Error("cp", "a"));
    }

    [Fact]
    public void Flag_errors_come_before_argument_counts_and_exit_125()
    {
        Assert.Equal(("unknown flag: --bogus\n\nUsage:  modular run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'modular run --help' for more information", 125),
            Error("run", "--bogus"));
        Assert.Equal(("unknown shorthand flag: 'z' in -z\n\nUsage:  modular rm [OPTIONS] CONTAINER [CONTAINER...]\n\nRun 'modular rm --help' for more information", 125),
            Error("rm", "-fz", "x"));
        Assert.Equal(("flag needs an argument: 'e' in -e\n\nUsage:  modular run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'modular run --help' for more information", 125),
            Error("run", "-e"));
        Assert.Equal(("flag needs an argument: --format\n\nUsage:  modular ps [OPTIONS]\n\nRun 'modular ps --help' for more information", 125),
            Error("ps", "--format"));
    }

    [Fact]
    public void Unknown_commands_name_the_whole_command_line()
    {
        Assert.Equal(("modular: unknown command: modular bogus\n\nRun 'modular --help' for more information", 1), Error("bogus"));
        Assert.Equal(("modular: unknown command: modular network bogus\n\nUsage:  modular network\n\nRun 'modular network --help' for more information", 1),
            Error("network", "bogus"));
    }

    [Fact]
    public void Import_like_docker_needs_one_argument_and_ignores_any_after_the_repository()
    {
        Assert.Equal(("modular: 'modular import' requires at least 1 argument\n\nUsage:  modular import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]\n\n" +
                      "See 'modular import --help' for more information", 1), Error("import"));
        Assert.Null(CliApplication.Parse(CliApplication.BuildRoot(), ["import", "rootfs.tar", "repo:tag", "extra"]).Error);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("start")]
    [InlineData("tag a")]
    [InlineData("rename a")]
    [InlineData("network create")]
    [InlineData("network connect a")]
    [InlineData("volume create a b")]
    [InlineData("volume rm")]
    [InlineData("image history")]
    [InlineData("image tag a")]
    [InlineData("system df x")]
    [InlineData("login a b")]
    [InlineData("pull")]
    [InlineData("top")]
    [InlineData("stats --bogus")]
    [InlineData("exec --bogus c sh")]
    [InlineData("volume ls --foo")]
    [InlineData("system bogus")]
    public void The_docker_cli_on_this_machine_prints_the_same(string commandLine)
    {
        var args = commandLine.Split(' ');
        var docker = RunDocker(args);
        if (docker is null)
        {
            Assert.Skip("no docker CLI on PATH");
        }

        Assert.Equal((docker.Value.Stderr.TrimEnd('\n').Replace("docker", "modular", StringComparison.Ordinal), docker.Value.ExitCode), Error(args));
    }

    private static (string Stderr, int ExitCode)? RunDocker(string[] args)
    {
        var start = new ProcessStartInfo("docker", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        // No daemon is needed for these errors; a socket that cannot exist keeps any real one out of it.
        start.Environment["DOCKER_HOST"] = "unix:///nonexistent/modular-cli-tests.sock";
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "modular-cli-tests-no-docker-config");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.GetAwaiter().GetResult();
            return (stderr, process.ExitCode);
        }
    }
}
