namespace Modular.Sdk.Storage;

/// <summary>
/// Takes what TarWriter writes and passes it on with every xattr record turned back from its .NET form into
/// <c>SCHILY.xattr.NAME=RAW BYTES</c> (see <see cref="BinaryXattrRecords"/>). Entry data passes through as written.
/// Disposing it leaves <paramref name="archive"/> open.
/// </summary>
internal sealed class PaxXattrWriteStream(Stream archive) : Stream
{
    private readonly PaxHeaderRewriter _rewriter = new(BinaryXattrRecords.ToArchive);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _rewriter.Push(buffer, archive);

    public override void Flush() => archive.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rewriter.Finish(archive);
            archive.Flush();
        }
        base.Dispose(disposing);
    }
}
