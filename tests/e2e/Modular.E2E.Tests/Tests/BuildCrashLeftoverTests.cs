using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A daemon killed in the middle of a RUN step leaves a build container and its writable layer behind; the next start
/// of the daemon removes both, so the storage folder holds only what it held before the build.
/// </summary>
public sealed class BuildCrashLeftoverTests : IAsyncLifetime
{
    private readonly PrivateDaemon _daemon = new();
    private BuildSession? _session;

    public async ValueTask InitializeAsync()
    {
        await _daemon.InitializeAsync();
        _session = new BuildSession(_daemon);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
        await _daemon.DisposeAsync();
    }

    [Fact]
    public async Task KilledDaemonRemovesTheBuildContainerAndLayerAtRestart()
    {
        var session = _session!;
        var context = session.Context(("Dockerfile", "FROM busybox\nRUN echo started; sleep 60\n"));
        var layersBefore = StorageEntries();

        var build = session.Build("--network", "none", context);
        var running = await WaitForAContainerAsync(TimeSpan.FromSeconds(60));
        var layersDuringBuild = StorageEntries();
        await _daemon.KillAsync();
        var interrupted = await build;
        await _daemon.StartAsync();
        var containersAfter = (await _daemon.Docker("ps", "-aq")).Stdout;
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
            var ps = await _daemon.Docker("ps", "-q");
            if (ps.Stdout.Trim().Length > 0)
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private List<string> StorageEntries() =>
        Directory.Exists(_daemon.StorageFolder)
            ? Directory.EnumerateDirectories(_daemon.StorageFolder).Select(Path.GetFileName).OfType<string>()
                .Where(name => name != "l").Order(StringComparer.Ordinal).ToList()
            : [];
}
