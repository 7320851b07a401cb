namespace Modular.Kernel.Build;

/// <summary>
/// Completes a tar archive whose writer was never closed: the docker CLI's rewritten context (a Dockerfile from outside
/// the context or from stdin, added with a generated .dockerignore) closes its pipe before its tar writer, so the body
/// stops right after the last entry's data, without that entry's padding to the 512-byte record and without the two
/// zero blocks. .NET's TarReader refuses such an archive on a stream it cannot seek; dockerd accepts it. A cut inside a
/// header still fails, on the header's checksum.
/// </summary>
public sealed class TarEndPadding(Stream inner) : Stream
{
    private const int RecordSize = 512;
    private long _read;
    private int _padding = -1;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_padding < 0)
        {
            var read = inner.Read(buffer);
            if (read > 0 || buffer.Length == 0)
            {
                _read += read;
                return read;
            }
            _padding = MissingEnd();
        }
        return Pad(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_padding < 0)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0 || buffer.Length == 0)
            {
                _read += read;
                return read;
            }
            _padding = MissingEnd();
        }
        return Pad(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int MissingEnd() => (int)((RecordSize - _read % RecordSize) % RecordSize) + 2 * RecordSize;

    private int Pad(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _padding);
        buffer[..count].Clear();
        _padding -= count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
