using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>
/// Cuts one output stream into log messages as Docker's copier does: one message per line, the newline kept; a line
/// longer than <see cref="MaxLine"/> bytes goes out in partial messages of exactly that size, without a newline,
/// before the rest of it. Complete lines are handed to the sink as slices of the caller's buffer, not copied.
/// </summary>
internal sealed class LogLineSplitter(LogSource source, ILogSink sink)
{
    /// <summary>Docker's default copier buffer: the longest message a line makes.</summary>
    public const int MaxLine = 16 * 1024;

    // Made at the first unfinished line: many containers never write one, and need not hold 16 KiB per stream.
    private byte[]? _held;
    private int _heldLength;

    /// <summary>Logs every line <paramref name="chunk"/> completes, stamped <paramref name="time"/>; keeps the unfinished tail.</summary>
    public void Split(ReadOnlyMemory<byte> chunk, DateTimeOffset time)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.Span.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Hold(chunk, time);
                return;
            }
            var line = chunk[..(newline + 1)];
            if (_heldLength == 0 && line.Length <= MaxLine)
            {
                sink.Log(new LogMessage(source, line, time));
            }
            else
            {
                Hold(line, time);
                EmitHeld(time);
            }
            chunk = chunk[line.Length..];
        }
    }

    /// <summary>Logs what is left of an unfinished last line, once the stream has ended.</summary>
    public void Finish(DateTimeOffset time) => EmitHeld(time);

    private void Hold(ReadOnlyMemory<byte> bytes, DateTimeOffset time)
    {
        while (!bytes.IsEmpty)
        {
            var count = Math.Min(bytes.Length, MaxLine - _heldLength);
            _held ??= new byte[MaxLine];
            bytes.Span[..count].CopyTo(_held.AsSpan(_heldLength));
            _heldLength += count;
            bytes = bytes[count..];
            if (_heldLength == MaxLine)
            {
                EmitHeld(time);
            }
        }
    }

    private void EmitHeld(DateTimeOffset time)
    {
        if (_heldLength == 0 || _held is null)
        {
            return;
        }
        // The sink copies what it keeps, so the held buffer can be reused as soon as Log returns.
        var message = new LogMessage(source, _held.AsMemory(0, _heldLength), time);
        _heldLength = 0;
        sink.Log(message);
    }
}
