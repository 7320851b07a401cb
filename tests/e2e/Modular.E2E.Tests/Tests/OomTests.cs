using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>A memory hog under --memory is killed by the kernel: exit 137, OOMKilled in inspect, an oom event before die.</summary>
[Collection(DaemonCollection.Name)]
public sealed class OomTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task MemoryHogIsOomKilledAndReported()
    {
        var name = Names.Unique("oom");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        try
        {
            // The first run doubles a string until the cgroup's 32 MiB are exhausted (every byte of it is touched); the
            // next run finds its marker and exits normally.
            var run = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(60), "run", "--name", name, "--memory", "32m", "--memory-swap", "32m",
                "busybox", "sh", "-c", "test -f /ran && exit 0; touch /ran; x=a; while true; do x=$x$x; done");
            Assert.True(run.ExitCode == 137, run.ToString());

            var state = await daemon.Docker("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", name);
            Assert.Equal("true 137\n", state.Stdout);
            var events = await daemon.Docker("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
                "--filter", $"container={name}", "--format", "{{.Action}}");
            var actions = events.Stdout.Split('\n');
            Assert.Contains("oom", actions);
            Assert.True(Array.IndexOf(actions, "oom") < Array.IndexOf(actions, "die"), events.Stdout);

            // A run that ends normally clears the flag, as dockerd does at start.
            var rerun = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(60), "start", "-a", name);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            var again = await daemon.Docker("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", name);
            Assert.Equal("false 0\n", again.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task AnOomKillOfAChildIsReportedWhileTheContainerRuns()
    {
        var name = Names.Unique("oom-child");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        try
        {
            // tail keeps the last ten lines of a file without any: it holds all of /dev/zero until the OOM killer takes
            // it. The shell, container's init, lives on: only the moment of the kill can tell.
            var run = await daemon.Docker("run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m",
                "busybox", "sh", "-c", "tail /dev/zero; sleep 60");
            Assert.True(run.ExitCode == 0, run.ToString());

            var state = "";
            for (var attempt = 0; attempt < 100 && state != "true running\n"; attempt++)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
                state = (await daemon.Docker("inspect", "--format", "{{.State.OOMKilled}} {{.State.Status}}", name)).Stdout;
            }
            Assert.Equal("true running\n", state);
            var whileRunning = await Actions(name, since);
            Assert.Contains("oom", whileRunning);
            Assert.DoesNotContain("die", whileRunning);

            await daemon.Docker("kill", name);
            await daemon.Docker("wait", name);
            var afterExit = await Actions(name, since);
            // One oom for the one kill: the check at exit does not report it again.
            Assert.Equal(1, afterExit.Count(a => a == "oom"));
            Assert.True(afterExit.IndexOf("oom") < afterExit.IndexOf("die"), string.Join(",", afterExit));
            var final = await daemon.Docker("inspect", "--format", "{{.State.OOMKilled}}", name);
            Assert.Equal("true\n", final.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private async Task<List<string>> Actions(string name, long since)
    {
        var events = await daemon.Docker("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", $"container={name}", "--format", "{{.Action}}");
        return events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public async Task ContainerThatExitsOnItsOwnIsNotOomKilled()
    {
        var name = Names.Unique("no-oom");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "--memory", "32m", "busybox", "sh", "-c", "exit 3");
            Assert.Equal(3, run.ExitCode);
            var state = await daemon.Docker("inspect", "--format", "{{.State.OOMKilled}}", name);
            Assert.Equal("false\n", state.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }
}
