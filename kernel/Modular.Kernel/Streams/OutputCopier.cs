using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>
/// Pumps a container's stdout and stderr into its log sink (one message per line, see <see cref="LogLineSplitter"/>)
/// and into the attach hub (as raw chunks). Pipes are copied on the shared <see cref="ReadinessLoop"/> (see
/// <see cref="PipeOutputPump"/>): no thread per container. A terminal gets a thread of its own doing blocking reads of
/// up to 32 KiB. Either way, whatever lines one read brings are logged together and flushed once, so a busy container
/// costs one log write per read, not per line.
/// </summary>
public static class OutputCopier
{
    private const int ReadSize = 32 * 1024;

    /// <summary>Completes when both streams have ended; faults with the sink's first error if it failed (the streams are drained regardless).</summary>
    public static Task CopyAsync(Stream stdout, Stream stderr, ILogSink sink, OutputHub hub)
    {
        var sinkLock = new object();
        return Task.WhenAll(Start(stdout, LogSource.Stdout, sink, sinkLock, hub), Start(stderr, LogSource.Stderr, sink, sinkLock, hub));
    }

    private static Task Start(Stream stream, LogSource source, ILogSink sink, object sinkLock, OutputHub hub)
    {
        if (stream == Stream.Null)
        {
            return Task.CompletedTask;
        }
        if (stream is System.IO.Pipes.PipeStream pipe)
        {
            return PipeOutputPump.Start(pipe, source, sink, sinkLock, hub);
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            if (Pump(stream, source, sink, sinkLock, hub) is { } sinkError)
            {
                done.SetException(sinkError);
            }
            else
            {
                done.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = "output-terminal",
        };
        thread.Start();
        return done.Task;
    }

    // Returns the sink's first failure. A failing sink never stops the reading: a container whose terminal is not
    // drained blocks on its next write.
    private static Exception? Pump(Stream terminal, LogSource source, ILogSink sink, object sinkLock, OutputHub hub)
    {
        var buffer = new byte[ReadSize];
        var log = new StreamLogWriter(source, sink, sinkLock);
        while (Read(terminal, buffer) is var read and > 0)
        {
            hub.Publish(source, buffer.AsSpan(0, read));
            log.Write(buffer.AsMemory(0, read));
        }
        log.Finish();
        return log.FirstError;
    }

    private static int Read(Stream terminal, byte[] buffer)
    {
        try
        {
            return terminal.Read(buffer, 0, buffer.Length);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe broke or was closed because the container is gone (a terminal ends with EIO): it has ended.
            return 0;
        }
    }
}
