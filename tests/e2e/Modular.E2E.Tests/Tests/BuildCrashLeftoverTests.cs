using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A daemon killed in the middle of a RUN step leaves a build container and its writable layer behind; the next start
/// of the daemon removes both, so the storage folder holds only what it held before the build.
/// </summary>
public sealed class BuildCrashLeftoverTests : OwnDaemonBuildTest
{
    [Fact]
    public async Task KilledDaemonRemovesTheBuildContainerAndLayerAtRestart()
    {
        var session = Session;
        var context = session.Context(("Dockerfile", "FROM busybox\nRUN echo started; sleep 60\n"));
        var layersBefore = StorageEntries();

        var build = session.Build("--network", "none", context);
        var running = await WaitForAContainerAsync(TimeSpan.FromSeconds(60));
        var layersDuringBuild = StorageEntries();
        await Daemon.KillAsync();
        var interrupted = await build;
        await Daemon.StartAsync();
        var containersAfter = (await Daemon.Docker("ps", "-aq")).Stdout;
        var layersAfter = StorageEntries();

        Assert.True(running, "the RUN step's container never appeared");
        Assert.NotEqual(0, interrupted.ExitCode);
        Assert.NotEmpty(layersDuringBuild.Except(layersBefore));
        Assert.Equal("", containersAfter);
        Assert.Equal(layersBefore, layersAfter);
    }

    private async Task<bool> WaitForAContainerAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var ps = await Daemon.Docker("ps", "-q");
            if (ps.Stdout.Trim().Length > 0)
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private List<string> StorageEntries() =>
        Directory.Exists(Daemon.StorageFolder)
            ? Directory.EnumerateDirectories(Daemon.StorageFolder).Select(Path.GetFileName).OfType<string>()
                .Where(name => name != "l").Order(StringComparer.Ordinal).ToList()
            : [];
}
