using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>
/// Pumps a container's stdout and stderr pipes into its log sink (split into lines, as Docker's copier does, with
/// lines longer than 16 KiB cut into partial messages) and into the attach hub (as raw chunks).
/// </summary>
public static class OutputCopier
{
    private const int MaxLine = 16 * 1024;

    public static Task CopyAsync(Stream stdout, Stream stderr, ILogSink sink, OutputHub hub)
    {
        var sinkLock = new object();
        return Task.WhenAll(
            Task.Run(() => PumpAsync(stdout, LogSource.Stdout, sink, sinkLock, hub)),
            Task.Run(() => PumpAsync(stderr, LogSource.Stderr, sink, sinkLock, hub)));
    }

    private static async Task PumpAsync(Stream pipe, LogSource source, ILogSink sink, object sinkLock, OutputHub hub)
    {
        var buffer = new byte[32 * 1024];
        var pending = new MemoryStream();
        try
        {
            int read;
            while ((read = await pipe.ReadAsync(buffer)) > 0)
            {
                var now = DateTimeOffset.UtcNow;
                hub.Publish(new OutputChunk(source, buffer.AsMemory(0, read).ToArray()));
                var span = buffer.AsSpan(0, read);
                while (span.Length > 0)
                {
                    var newline = span.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        pending.Write(span);
                        if (pending.Length >= MaxLine)
                        {
                            Emit(pending, source, now, sink, sinkLock);
                        }
                        break;
                    }
                    pending.Write(span[..(newline + 1)]);
                    Emit(pending, source, now, sink, sinkLock);
                    span = span[(newline + 1)..];
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke because the container is gone; what was read is already out.
        }
        if (pending.Length > 0)
        {
            Emit(pending, source, DateTimeOffset.UtcNow, sink, sinkLock);
        }
    }

    private static void Emit(MemoryStream pending, LogSource source, DateTimeOffset time, ILogSink sink, object sinkLock)
    {
        var message = new LogMessage(source, pending.ToArray(), time);
        pending.SetLength(0);
        lock (sinkLock)
        {
            sink.Log(message);
        }
    }
}
