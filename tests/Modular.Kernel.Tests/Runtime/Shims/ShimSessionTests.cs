using System.IO.Pipes;
using Modular.Kernel.Runtime.Shims;
using Modular.Shim.Protocol;
using Xunit;

namespace Modular.Kernel.Tests.Runtime.Shims;

/// <summary>The daemon's side of a shim connection, against a shim played by the test over a real abstract socket.</summary>
public sealed class ShimSessionTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("modular-shim-session-").FullName;
    private readonly AnonymousPipeServerStream _stdout = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _stderr = new(PipeDirection.Out);
    private readonly List<ShimSession> _sessions = [];

    [Fact]
    public async Task The_exit_the_shim_reports_completes_the_wait()
    {
        using var listener = ShimListener.Listen(ShimAddress.NameFor(_stateDirectory));
        var (session, shim) = await AttachAsync(listener);
        using (session)
        using (shim)
        {
            var exit = session.WaitForExitAsync();
            await Task.Delay(200, TestContext.Current.CancellationToken);
            Assert.False(exit.IsCompleted);

            shim.Send($"{ShimMessage.Exit} 7");

            Assert.Equal(7, await exit.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_shim_gone_without_a_word_leaves_the_status_it_wrote()
    {
        using var listener = ShimListener.Listen(ShimAddress.NameFor(_stateDirectory));
        var (session, shim) = await AttachAsync(listener);
        using (session)
        {
            var exit = session.WaitForExitAsync();
            File.WriteAllText(Path.Combine(_stateDirectory, ShimMessage.ExitFile), "3");

            shim.Dispose();

            Assert.Equal(3, await exit.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Many_waits_hold_no_thread_each()
    {
        const int shims = 40;
        var directories = Enumerable.Range(0, shims).Select(i => Directory.CreateDirectory(Path.Combine(_stateDirectory, $"s{i}")).FullName).ToList();
        var listeners = directories.Select(d => ShimListener.Listen(ShimAddress.NameFor(d))).ToList();
        var pairs = new List<(ShimSession Session, ShimChannel Shim)>();
        try
        {
            for (var i = 0; i < shims; i++)
            {
                pairs.Add(await AttachAsync(listeners[i], directories[i]));
            }
            var threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
            var exits = pairs.Select(p => p.Session.WaitForExitAsync()).ToList();
            await Task.Delay(300, TestContext.Current.CancellationToken);

            Assert.True(System.Diagnostics.Process.GetCurrentProcess().Threads.Count < threadsBefore + 10, "the waits started threads of their own");
            for (var i = 0; i < shims; i++)
            {
                pairs[i].Shim.Send($"{ShimMessage.Exit} {i}");
            }
            Assert.Equal(Enumerable.Range(0, shims), await Task.WhenAll(exits).WaitAsync(Timeout, TestContext.Current.CancellationToken));
        }
        finally
        {
            foreach (var (session, shim) in pairs)
            {
                session.Dispose();
                shim.Dispose();
            }
            listeners.ForEach(l => l.Dispose());
        }
    }

    // Connects as the daemon does while the test, as the shim, accepts and hands over two output pipes.
    private async Task<(ShimSession Session, ShimChannel Shim)> AttachAsync(ShimListener listener, string? stateDirectory = null)
    {
        var connecting = Task.Run(() => ShimSession.TryAttach(stateDirectory ?? _stateDirectory), TestContext.Current.CancellationToken);
        var shim = listener.Accept();
        shim.Send($"{ShimMessage.Attach} 4242 {ShimMessage.PipesWithoutStdinLayout}",
            [(int)_stdout.ClientSafePipeHandle.DangerousGetHandle(), (int)_stderr.ClientSafePipeHandle.DangerousGetHandle()]);
        var session = await connecting.WaitAsync(Timeout, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("no session");
        _sessions.Add(session);
        Assert.Equal(4242, session.Pid);
        return (session, shim);
    }

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Stdout?.Dispose();
            session.Stderr?.Dispose();
            session.Dispose();
        }
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}
