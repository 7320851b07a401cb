using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A build test that stops, restarts or kills its daemon, so it gets one of its own rather than the shared one,
/// with a <see cref="BuildSession"/> on it; both are cleaned up after the test.
/// </summary>
public abstract class OwnDaemonBuildTest : IAsyncLifetime
{
    private BuildSession? _session;

    protected PrivateDaemon Daemon { get; } = new();

    protected BuildSession Session => _session ?? throw new InvalidOperationException("the daemon has not started");

    public async ValueTask InitializeAsync()
    {
        await Daemon.InitializeAsync();
        _session = new BuildSession(Daemon);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
        await Daemon.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
