using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class RunTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task DockerRunRemovePrintsTheContainersOutput()
    {
        var run = await daemon.Docker("run", "--rm", "busybox", "echo", "hello");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello\n", run.Stdout);
    }

    [Fact]
    public async Task ModularRunRemovePrintsTheContainersOutput()
    {
        var run = await daemon.Modular("run", "--rm", "busybox", "echo", "hello");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello\n", run.Stdout);
    }

    [Fact]
    public async Task DockerRunExitsWithTheContainersExitCode()
    {
        var name = Names.Unique("exit3");

        var run = await daemon.Docker("run", "--name", name, "busybox", "sh", "-c", "exit 3");
        var inspect = await daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name);
        var remove = await daemon.Docker("rm", name);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("exited 3\n", inspect.Stdout);
        Assert.True(remove.ExitCode == 0, remove.ToString());
    }

    [Fact]
    public async Task DockerRunInteractivePassesStandardInputThrough()
    {
        var run = await daemon.DockerWithInput("hi\n", "run", "--rm", "-i", "busybox", "cat");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hi\n", run.Stdout);
    }
}
