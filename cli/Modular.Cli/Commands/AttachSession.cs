using Modular.Api.Client;
using Modular.Api.Streams;

namespace Modular.Cli.Commands;

/// <summary>
/// Pumps a hijacked attach connection: the caller's stdin into the container (then half-close), the container's
/// output to stdout/stderr. Output is framed exactly when the container has no TTY; daemons below API 1.42 frame it
/// while still labelling it raw-stream, so the container's Tty setting decides, as in docker's CLI.
/// </summary>
internal sealed class AttachSession(HijackedConnection connection, CliContext context, bool sendStdin, bool tty)
{
    /// <summary>Completes when the daemon closes the output side.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (sendStdin)
            _ = Task.Run(() => PumpStdinAsync(cancellationToken), CancellationToken.None);

        if (!tty)
        {
            await StdStreamFrames.DemultiplexAsync(connection.Stream, context.StdoutStream, context.StderrStream, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await connection.Stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await context.StdoutStream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await context.StdoutStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PumpStdinAsync(CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await context.StdinStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await connection.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
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
