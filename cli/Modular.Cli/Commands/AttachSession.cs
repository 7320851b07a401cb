using Modular.Api.Client;
using Modular.Api.Streams;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary>How an attached session ended.</summary>
internal enum AttachOutcome
{
    /// <summary>The daemon closed the output: the process ended (or closed its output).</summary>
    Ended,
    /// <summary>The user typed the detach sequence on a TTY and this client caught it (docker's "read escape sequence").</summary>
    Detached,
    /// <summary>The detach sequence went to the daemon (no TTY), which ended the stream; the process keeps running.</summary>
    DetachedByDaemon,
}

/// <summary>
/// Pumps a hijacked attach connection: the caller's stdin into the container (then half-close), the container's
/// output to stdout/stderr. Output is framed exactly when the container has no TTY; daemons below API 1.42 frame it
/// while still labelling it raw-stream, so the container's Tty setting decides, as in docker's CLI.
/// With a TTY and stdin, our terminal is raw for the session and the detach keys are caught here (docker's escape
/// proxy); without a TTY they travel to the daemon, which ends the stream.
/// </summary>
internal sealed class AttachSession(HijackedConnection connection, CliContext context, bool sendStdin, bool tty, string? detachKeys = null)
{
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DetachSequenceWatcher _watcher = new(DetachKeys.ResolveOrDefault(detachKeys));

    /// <summary>Completes when the daemon closes the output side or the user detaches.</summary>
    public async Task<AttachOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var rawMode = tty && sendStdin ? RawTerminalMode.EnterForStdin() : null;
        if (sendStdin)
            _ = Task.Run(() => PumpStdinAsync(cancellationToken), CancellationToken.None);

        var output = PumpOutputAsync(cancellationToken);
        var first = await Task.WhenAny(output, _detached.Task).ConfigureAwait(false);
        rawMode?.Restore();
        if (first == _detached.Task)
        {
            connection.Dispose();
            return AttachOutcome.Detached;
        }
        await output.ConfigureAwait(false);
        return _watcher.Seen ? AttachOutcome.DetachedByDaemon : AttachOutcome.Ended;
    }

    private async Task PumpOutputAsync(CancellationToken cancellationToken)
    {
        if (!tty)
        {
            await StdStreamFrames.DemultiplexAsync(connection.Stream, context.StdoutStream, context.StderrStream, cancellationToken).ConfigureAwait(false);
            return;
        }

        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await connection.Stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await context.StdoutStream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await context.StdoutStream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpStdinAsync(CancellationToken cancellationToken)
    {
        var escape = tty ? new EscapeSequenceFilter(DetachKeys.ResolveOrDefault(detachKeys)) : null;
        try
        {
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await context.StdinStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (escape is null)
                {
                    _watcher.Observe(buffer.AsSpan(0, read));
                    await connection.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (escape.Filter(buffer.AsSpan(0, read)) is not { } forwarded)
                {
                    _detached.TrySetResult();
                    return;
                }
                if (forwarded.Length > 0)
                    await connection.Stream.WriteAsync(forwarded, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The container went away while we were still feeding it; its exit status tells the story.
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        connection.CloseWrite();
    }
}
