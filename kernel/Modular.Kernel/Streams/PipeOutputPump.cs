using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>
/// Copies one output pipe of a container into its log sink and attach hub on the shared <see cref="ReadinessLoop"/>:
/// no thread of its own, and no buffer of its own either (the loop thread's is used), so an idle container costs a
/// few objects. Each turn peeks what the pipe holds, logs it, and only then takes it out (see <see cref="PipePeek"/>).
/// </summary>
internal sealed class PipeOutputPump
{
    private const int ReadSize = 32 * 1024;

    // A turn takes at most this many reads before the pipe is armed again, so a container that never stops writing
    // cannot keep a loop thread from the others.
    private const int ReadsPerTurn = 4;

    [ThreadStatic]
    private static byte[]? _loopBuffer;

    private readonly SafePipeHandle _handle;
    private readonly PipePeek _peek;
    private readonly LogSource _source;
    private readonly StreamLogWriter _log;
    private readonly OutputHub _hub;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipeOutputPump(SafePipeHandle handle, LogSource source, ILogSink sink, object sinkLock, OutputHub hub)
    {
        _handle = handle;
        _peek = new PipePeek((int)handle.DangerousGetHandle(), ReadSize);
        _source = source;
        _log = new StreamLogWriter(source, sink, sinkLock);
        _hub = hub;
    }

    /// <summary>
    /// Starts copying; the task completes at the pipe's end, or soon after its owner disposes it (the container is gone
    /// but something still holds the write end), and faults with the sink's first error.
    /// </summary>
    public static Task Start(PipeStream pipe, LogSource source, ILogSink sink, object sinkLock, OutputHub hub)
    {
        var handle = pipe.SafePipeHandle;
        var pump = new PipeOutputPump(handle, source, sink, sinkLock, hub);
        try
        {
            ReadinessLoop.Shared.Add(pump._peek.Descriptor, pump.OnReadable, pump.OnEnded, () => handle.IsClosed);
        }
        catch
        {
            pump._peek.Dispose();
            throw;
        }
        return pump._done.Task;
    }

    private ReadinessLoop.Readiness OnReadable(bool writersGone)
    {
        var buffer = _loopBuffer ??= new byte[ReadSize];
        for (var turn = 0; turn < ReadsPerTurn; turn++)
        {
            if (_handle.IsClosed)
            {
                return ReadinessLoop.Readiness.Ended;
            }
            var read = _peek.TryPeek(buffer);
            if (read < 0)
            {
                return ReadinessLoop.Readiness.Drained;
            }
            if (read == 0)
            {
                return ReadinessLoop.Readiness.Ended;
            }
            _hub.Publish(_source, buffer.AsSpan(0, read));
            // Logged before it is taken out of the pipe: a daemon killed in between leaves it for the next one.
            _log.Write(buffer.AsMemory(0, read));
            try
            {
                _peek.Consume(read, buffer);
            }
            catch (IOException)
            {
                return ReadinessLoop.Readiness.Ended;
            }
            if (read < buffer.Length && !writersGone)
            {
                // The pipe held less than a buffer: it was emptied, and whatever comes next (data, or the last writer
                // closing) wakes it again.
                return ReadinessLoop.Readiness.Drained;
            }
        }
        return ReadinessLoop.Readiness.More;
    }

    private void OnEnded()
    {
        _log.Finish();
        _peek.Dispose();
        if (_log.FirstError is { } error)
        {
            _done.SetException(error);
        }
        else
        {
            _done.SetResult();
        }
    }
}
