using System.Diagnostics;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>pause freezes every process of the container (exec refused, ps says Paused), unpause resumes, stop still works.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsidePauseTests(PrivateDaemon daemon)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task PauseFreezesACountingLoopAndUnpauseResumesIt()
    {
        var name = Names.Unique("pause-count");
        try
        {
            await daemon.RunDetachedAsync(name, [], "sh", "-c",
                "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done");
            await ReadCounterAsync(name);

            // A running window and a paused one of the same length, each measured between two reads of the counter.
            var runningStart = await ReadCounterAsync(name);
            await Task.Delay(Window, TestContext.Current.CancellationToken);
            var runningEnd = await ReadCounterAsync(name);

            var pausedStart = await ReadCounterAsync(name);
            var pause = await daemon.Docker("pause", name);
            Assert.True(pause.ExitCode == 0, pause.ToString());
            var pausedFor = Stopwatch.StartNew();
            var status = await daemon.Docker("ps", "--filter", "name=" + name, "--format", "{{.Status}}");
            var state = await daemon.InspectAsync(name, "{{.State.Status}} {{.State.Paused}} {{.State.Running}}");
            var refusedExec = await daemon.Docker("exec", name, "cat", "/tmp/count");
            await Task.Delay(pausedFor.Elapsed < Window ? Window - pausedFor.Elapsed : TimeSpan.Zero, TestContext.Current.CancellationToken);
            var unpause = await daemon.Docker("unpause", name);
            Assert.True(unpause.ExitCode == 0, unpause.ToString());
            var pausedEnd = await ReadCounterAsync(name);

            var resumedStart = pausedEnd;
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            var resumedEnd = await ReadCounterAsync(name);

            Assert.True(status.ExitCode == 0 && status.Stdout.Contains("(Paused)"), status.ToString());
            Assert.Equal("paused true true", state);
            Assert.True(refusedExec.ExitCode != 0, refusedExec.ToString());
            Assert.Contains("is paused", refusedExec.Stderr);
            var runningDelta = runningEnd - runningStart;
            var pausedDelta = pausedEnd - pausedStart;
            Assert.True(runningDelta >= 10, $"the loop counted only {runningDelta} in {Window.TotalSeconds} s while running");
            // What the paused window may count is the loop's time around the pause and unpause calls, not the pause itself.
            Assert.True(pausedDelta * 3 < runningDelta,
                $"the loop counted {pausedDelta} in a {Window.TotalSeconds} s window while paused, {runningDelta} in one while running");
            Assert.True(resumedEnd - resumedStart >= 3, $"after unpause the loop counted {resumedEnd - resumedStart} in 1 s");
            Assert.Equal("running false", await daemon.InspectAsync(name, "{{.State.Status}} {{.State.Paused}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task StopOfAPausedContainerStopsIt()
    {
        var name = Names.Unique("pause-stop");
        try
        {
            await daemon.RunSleeperAsync(name);
            var pause = await daemon.Docker("pause", name);
            Assert.True(pause.ExitCode == 0, pause.ToString());

            var stop = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(60), "stop", "-t", "1", name);

            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Equal(name + "\n", stop.Stdout);
            Assert.Equal("exited false false", await daemon.InspectAsync(name, "{{.State.Status}} {{.State.Running}} {{.State.Paused}}"));
            var ps = await daemon.Docker("ps", "--filter", "name=" + name, "--format", "{{.Names}}");
            Assert.True(ps.ExitCode == 0 && ps.Stdout == "", ps.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    /// <summary>The loop writes the file often; a read that catches it truncated mid-write is retried.</summary>
    private async Task<int> ReadCounterAsync(string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var read = await daemon.Docker("exec", name, "cat", "/tmp/count");
            if (read.ExitCode == 0 && int.TryParse(read.Stdout.Trim(), out var count))
            {
                return count;
            }
            Assert.True(attempt < 20, "could not read the counter: " + read);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
