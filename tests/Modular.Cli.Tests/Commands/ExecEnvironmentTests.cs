using Modular.Cli.Commands;
using Xunit;

namespace Modular.Cli.Tests.Commands;

public sealed class ExecEnvironmentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("modular-exec-env-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Env_files_come_first_then_flags_and_bare_names_take_the_callers_value()
    {
        var file = Path.Combine(_directory, "env");
        File.WriteAllText(file, "B=2\n# comment\nPATH\n");
        var environment = ExecCommand.ReadEnvironment([file], ["A=1", "HOME", "MODULAR_TEST_SURELY_UNSET"]);
        Assert.Equal(
            ["B=2", "PATH=" + Environment.GetEnvironmentVariable("PATH"), "A=1", "HOME=" + Environment.GetEnvironmentVariable("HOME"), "MODULAR_TEST_SURELY_UNSET"],
            environment);
    }

    [Fact]
    public void A_missing_env_file_fails_with_status_1_and_gos_wording()
    {
        var missing = Path.Combine(_directory, "nope");
        var error = Assert.Throws<CliStatusException>(() => ExecCommand.ReadEnvironment([missing], []));
        Assert.Equal(1, error.ExitCode);
        Assert.Equal($"open {missing}: no such file or directory", error.Message);
    }

    [Fact]
    public void An_env_file_variable_with_whitespace_fails_with_status_1()
    {
        var file = Path.Combine(_directory, "bad");
        File.WriteAllText(file, "BAD NAME=1\n");
        var error = Assert.Throws<CliStatusException>(() => ExecCommand.ReadEnvironment([file], []));
        Assert.Equal(1, error.ExitCode);
        Assert.Contains("contains whitespaces", error.Message);
    }
}
