namespace Modular.Logging.JsonFile;

/// <summary>
/// Splits a stream into newline-terminated lines. A trailing line without its newline stays buffered (the writer
/// may still be writing it), so callers never see a torn record.
/// </summary>
internal sealed class LineScanner(Stream stream) : IDisposable
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _skipUntilNewline;

    /// <summary>
    /// Starts reading at the end of the stream, as a follower that wants no history does. If that end is in the
    /// middle of a line being written, the rest of that line is skipped.
    /// </summary>
    public void SeekToEnd()
    {
        var length = stream.Length;
        if (length == 0)
        {
            return;
        }
        stream.Position = length - 1;
        _skipUntilNewline = stream.ReadByte() != '\n';
    }

    /// <summary>Returns the next complete line without its newline, valid until the next call; false at the current end.</summary>
    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = _buffer.AsMemory(_start, newline);
                _start += newline + 1;
                if (_skipUntilNewline)
                {
                    _skipUntilNewline = false;
                    continue;
                }
                return true;
            }
            if (!Fill())
            {
                line = default;
                return false;
            }
        }
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }

    public void Dispose() => stream.Dispose();
}
