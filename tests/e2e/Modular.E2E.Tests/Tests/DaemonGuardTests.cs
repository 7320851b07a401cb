using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>What the daemon guarantees about its socket, its data-root and its runtimes.</summary>
[Collection(DaemonCollection.Name)]
public sealed class DaemonGuardTests(PrivateDaemon daemon)
{
    [Fact]
    public void TheApiSocketIsReadableAndWritableByOwnerAndGroupOnly()
    {
        var mode = File.GetUnixFileMode(daemon.SocketPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Fact]
    public async Task ASecondDaemonOnTheSameDataRootRefusesToStart()
    {
        var other = Path.Combine(daemon.Root, "second");
        var start = await CommandRunner.RunAsync(
            RepoLayout.Daemon,
            [
                "-H", "unix://" + Path.Combine(other, "modulard.sock"),
                "--data-root", daemon.DataRoot,
                "--exec-root", Path.Combine(other, "exec"),
            ],
            timeout: TimeSpan.FromSeconds(20));

        Assert.False(start.TimedOut, "a second modulard started on a data-root already in use\n" + start);
        Assert.NotEqual(0, start.ExitCode);
        Assert.Contains("already running on data-root", start.Stderr);
        var stillServing = await daemon.Docker("version", "--format", "{{.Server.Version}}");
        Assert.True(stillServing.ExitCode == 0, stillServing.ToString());
    }

    [Fact]
    public async Task CrunIsSelectablePerContainerAndItsOwnErrorReachesTheUser()
    {
        var run = await daemon.Docker("run", "--rm", "--runtime", "crun", "busybox", "echo", "from-crun");
        // crun 1.8 refuses cgroup v1 with a cgroup2 mount beside it (the hybrid layout of this machine); elsewhere it runs.
        if (Directory.Exists("/sys/fs/cgroup/unified") && !File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            Assert.Equal(125, run.ExitCode);
            Assert.Contains("crun create failed: cgroups in hybrid mode not supported", run.Stderr);
        }
        else
        {
            Assert.True(run.ExitCode == 0 && run.Stdout == "from-crun\n", run.ToString());
        }
    }

    [Fact]
    public async Task AnUnknownRuntimeIsRefusedAtCreate()
    {
        var run = await daemon.Docker("run", "--rm", "--runtime", "no-such-runtime", "busybox", "true");
        Assert.Equal(125, run.ExitCode);
        Assert.Contains("unknown or invalid runtime name: no-such-runtime", run.Stderr);
    }

    [Fact]
    public async Task AMissingExecutableExitsWith127AndDockersMessage()
    {
        var run = await daemon.Docker("run", "--rm", "busybox", "no-such-binary");
        Assert.Equal(127, run.ExitCode);
        Assert.Contains("executable file not found in $PATH", run.Stderr);
    }

    [Fact]
    public async Task LogsKeepStdoutAndStderrApartAndHonourTail()
    {
        var name = Names.Unique("streams");
        var run = await daemon.Docker("run", "--name", name, "busybox", "sh", "-c", "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three");
        Assert.True(run.ExitCode == 0, run.ToString());

        var logs = await daemon.Docker("logs", name);
        Assert.Equal("one\nthree\n", logs.Stdout);
        Assert.Equal("two\n", logs.Stderr);
        var tail = await daemon.Docker("logs", "--tail", "1", name);
        Assert.Equal("three\n", tail.Stdout);
        Assert.Equal("", tail.Stderr);
        var stamped = await daemon.Docker("logs", "-t", name);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one\n", stamped.Stdout);

        await daemon.Docker("rm", name);
    }

    [Fact]
    public async Task PsFiltersByStatusAndExitCode()
    {
        var name = Names.Unique("exit4");
        await daemon.Docker("run", "--name", name, "busybox", "sh", "-c", "exit 4");
        var exited = await daemon.Docker("ps", "-a", "--filter", "exited=4", "--format", "{{.Names}}");
        Assert.Contains(name, exited.Stdout.Split('\n'));
        var running = await daemon.Docker("ps", "--filter", "status=running", "--format", "{{.Names}}");
        Assert.DoesNotContain(name, running.Stdout.Split('\n'));
        await daemon.Docker("rm", name);
    }
}
