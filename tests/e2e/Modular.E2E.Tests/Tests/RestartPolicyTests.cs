using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class RestartPolicyTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task OnFailureRestartsUpToItsLimitThenStaysExited()
    {
        var name = Names.Unique("onfailure");
        var run = await daemon.Docker("run", "-d", "--name", name, "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1");
        Assert.True(run.ExitCode == 0, run.ToString());

        var state = await WaitForAsync(name, "exited 2 1", TimeSpan.FromSeconds(15));
        Assert.Equal("exited 2 1", state);
        await daemon.Docker("rm", "-f", name);
    }

    [Fact]
    public async Task AlwaysRestartsAnExitedContainerUntilItIsStopped()
    {
        var name = Names.Unique("always");
        await daemon.Docker("run", "-d", "--name", name, "--restart", "always", "busybox", "sh", "-c", "sleep 0.2");
        var restarted = await WaitUntilAsync(async () =>
            int.Parse((await daemon.Docker("inspect", "-f", "{{.RestartCount}}", name)).Stdout.Trim()) >= 2, TimeSpan.FromSeconds(15));
        Assert.True(restarted, "the container was not restarted twice");

        var stop = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(30), "stop", name);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        var status = await daemon.Docker("inspect", "-f", "{{.State.Status}}", name);
        Assert.Equal("exited\n", status.Stdout);

        var remove = await daemon.Docker("rm", "-f", name);
        Assert.True(remove.ExitCode == 0, remove.ToString());
    }

    [Fact]
    public async Task ARestartPolicyWithRemoveIsRefused()
    {
        var run = await daemon.Docker("run", "--rm", "--restart", "always", "busybox", "true");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("restart", run.Stderr);
    }

    private async Task<string> WaitForAsync(string name, string expected, TimeSpan limit)
    {
        var last = "";
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            last = (await daemon.Docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", name)).Stdout.Trim();
            if (last == expected)
            {
                return last;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        return last;
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        return false;
    }
}
