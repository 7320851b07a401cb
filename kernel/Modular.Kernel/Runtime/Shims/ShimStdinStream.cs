namespace Modular.Kernel.Runtime.Shims;

/// <summary>
/// The container's stdin as the daemon writes it. The shim holds another copy of the pipe (so stdin survives a daemon
/// restart); closing this one therefore also asks the shim to close its copy, or the container would never see EOF.
/// </summary>
internal sealed class ShimStdinStream(Stream pipe, Action closeShimCopy) : Stream
{
    private int _closed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => pipe.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => pipe.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        pipe.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        pipe.WriteAsync(buffer, cancellationToken);

    public override void Flush() => pipe.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => pipe.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            pipe.Dispose();
            closeShimCopy();
        }
        base.Dispose(disposing);
    }
}
