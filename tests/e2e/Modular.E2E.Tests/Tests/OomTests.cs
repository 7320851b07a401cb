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
