using System.Runtime.InteropServices;

namespace Modular.Cli.Terminal;

/// <summary>
/// Keeps a container's or exec's terminal the size of ours (docker's MonitorTtySize): one resize right away, retried
/// ten times with a growing pause if the process is not ready yet, then one on every SIGWINCH.
/// </summary>
internal sealed class TtySizeMonitor : IDisposable
{
    /// <summary>Sends a size (height, width) to the daemon.</summary>
    public delegate Task ResizeAsync(uint height, uint width, CancellationToken cancellationToken);

    private readonly ResizeAsync _resize;
    private readonly TextWriter _error;
    private readonly CancellationTokenSource _stopping = new();
    private PosixSignalRegistration? _windowChanged;

    private TtySizeMonitor(ResizeAsync resize, TextWriter error)
    {
        _resize = resize;
        _error = error;
    }

    /// <summary>Rows and columns of our stdout, as [height, width]; null when stdout is not a terminal.</summary>
    public static ulong[]? ConsoleSize() =>
        TerminalNative.GetWindowSize(TerminalNative.StdoutFileDescriptor) is { } size ? [size.Rows, size.Columns] : null;

    /// <summary>Starts monitoring when stdout is a terminal; otherwise returns null and sends nothing.
    /// <paramref name="nudgeFirst"/> resizes to one more row and column first, as docker attach does so a program
    /// that already drew its screen redraws it.</summary>
    public static TtySizeMonitor? Start(ResizeAsync resize, TextWriter error, bool nudgeFirst = false)
    {
        if (!TerminalNative.IsTerminal(TerminalNative.StdoutFileDescriptor))
            return null;
        var monitor = new TtySizeMonitor(resize, error);
        monitor.Begin(nudgeFirst);
        return monitor;
    }

    private void Begin(bool nudgeFirst)
    {
        var token = _stopping.Token;
        _ = Task.Run(async () =>
        {
            if (nudgeFirst && TerminalNative.GetWindowSize(TerminalNative.StdoutFileDescriptor) is { } size)
                await TryResizeAsync(size.Rows + 1u, size.Columns + 1u, token).ConfigureAwait(false);
            if (await ResizeToTerminalAsync(token).ConfigureAwait(false))
                return;
            for (var retry = 0; retry < 10; retry++)
            {
                await Task.Delay((retry + 1) * 10, token).ConfigureAwait(false);
                if (await ResizeToTerminalAsync(token).ConfigureAwait(false))
                    return;
            }
            await _error.WriteLineAsync("failed to resize tty, using default size").ConfigureAwait(false);
        }, CancellationToken.None);

        _windowChanged = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, signal => { _ = ResizeToTerminalAsync(token); });
    }

    private async Task<bool> ResizeToTerminalAsync(CancellationToken cancellationToken)
    {
        if (TerminalNative.GetWindowSize(TerminalNative.StdoutFileDescriptor) is not { } size || (size.Rows == 0 && size.Columns == 0))
            return true;
        return await TryResizeAsync(size.Rows, size.Columns, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TryResizeAsync(uint height, uint width, CancellationToken cancellationToken)
    {
        try
        {
            await _resize(height, width, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The process may not have its terminal yet (or has just gone): the caller retries or the next SIGWINCH will.
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _windowChanged?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
