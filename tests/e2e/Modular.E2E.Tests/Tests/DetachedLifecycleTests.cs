using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class DetachedLifecycleTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task DetachedContainerIsListedLogsStopsAndIsRemoved()
    {
        var name = Names.Unique("detached");

        // `exec sleep` keeps sleep as PID 1 (it ignores SIGTERM, so stop has to escalate), after a line for `logs`.
        var run = await daemon.Docker("run", "-d", "--name", name, "busybox", "sh", "-c", "echo ready; exec sleep 300");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var ps = await daemon.Docker("ps", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Status}}");
        Assert.True(ps.ExitCode == 0, ps.ToString());
        Assert.Contains(ps.Stdout.Split('\n'), line => line.StartsWith($"{id} {name} Up", StringComparison.Ordinal));

        var logs = await WaitForLogsAsync(name, "ready\n");
        Assert.True(logs.ExitCode == 0 && logs.Stdout == "ready\n", logs.ToString());

        var stop = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(60), "stop", name);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal(name + "\n", stop.Stdout);
        var state = await daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.Running}}", name);
        Assert.Equal("exited false\n", state.Stdout);

        var remove = await daemon.Docker("rm", name);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        var all = await daemon.Docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}");
        Assert.DoesNotContain(id, all.Stdout);
    }

    /// <summary>The log copier may lag the container by a moment; poll briefly instead of sleeping blindly.</summary>
    private async Task<CommandResult> WaitForLogsAsync(string name, string expected)
    {
        var logs = await daemon.Docker("logs", name);
        for (var attempt = 0; attempt < 50 && logs.ExitCode == 0 && logs.Stdout != expected; attempt++)
        {
            await Task.Delay(100);
            logs = await daemon.Docker("logs", name);
        }
        return logs;
    }
}
