using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>
/// Logs one output stream of a container: whatever lines one read brings are logged together and flushed once, under
/// the lock the container's two streams share, and at the end the unfinished last line. A failing sink never stops
/// the reading: as dockerd, lines the log driver cannot take are lost rather than held back; the first failure is kept.
/// </summary>
internal sealed class StreamLogWriter(LogSource source, ILogSink sink, object sinkLock)
{
    private readonly LogLineSplitter _splitter = new(source, sink);

    public Exception? FirstError { get; private set; }

    public void Write(ReadOnlyMemory<byte> chunk) => Log(chunk, atEnd: false);

    public void Finish() => Log(ReadOnlyMemory<byte>.Empty, atEnd: true);

    private void Log(ReadOnlyMemory<byte> chunk, bool atEnd)
    {
        var now = DateTimeOffset.UtcNow;
        lock (sinkLock)
        {
            try
            {
                if (atEnd)
                {
                    _splitter.Finish(now);
                }
                else
                {
                    _splitter.Split(chunk, now);
                }
                sink.Flush();
            }
            catch (Exception e)
            {
                FirstError ??= e;
            }
        }
    }
}
