namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// One line of a pull or push's progress, as Docker's JSON message stream carries it: a status for a layer
/// (<paramref name="Id"/>, the short digest) or for the whole operation (no id), with byte counts while data moves,
/// and for a finished push the tag, digest and size of its manifest.
/// </summary>
internal sealed record TransferEvent(string? Id, string Status, long Current = 0, long Total = 0, PushResult? Pushed = null)
{
    public bool HasProgress => Total > 0 || Current > 0;
}

/// <summary>What docker's CLI reads from the aux message of a push (used by content trust).</summary>
internal sealed record PushResult(string Tag, string Digest, long Size);

/// <summary>Limits byte-count updates of one layer to one per interval (plus the last), as dockerd does, so the stream stays small.</summary>
internal sealed class ProgressThrottle(Action<TransferEvent> report, string id, string status)
{
    private static readonly long Interval = TimeSpan.FromMilliseconds(100).Ticks;
    private long _last;

    public void Report(long current, long total)
    {
        var now = DateTime.UtcNow.Ticks;
        if (current < total && now - Interlocked.Read(ref _last) < Interval)
        {
            return;
        }
        Interlocked.Exchange(ref _last, now);
        report(new TransferEvent(id, status, current, total));
    }
}

/// <summary>A read-only pass-through that reports how many bytes were read through it.</summary>
internal sealed class CountingReadStream(Stream inner, Action<long> onRead) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _read += read;
        onRead(_read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _read += read;
        onRead(_read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
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
