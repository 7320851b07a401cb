namespace Modular.Sdk.Storage;

/// <summary>
/// A read-only view of a layer tar in which every <c>SCHILY.xattr.*</c> record has been re-encoded as
/// <see cref="BinaryXattrRecords"/> describes, so TarReader hands binary xattr values over intact. Entry data is read
/// straight into the caller's buffer; only headers go through the rewriter.
/// <para>An archive that stops right after an entry without its two zero blocks gets them added: Go's archive/tar and
/// GNU tar accept such archives, and TarReader, which only forgives that on seekable streams, would fail on this one.</para>
/// </summary>
internal sealed class PaxXattrReadStream(Stream archive) : Stream
{
    private readonly PaxHeaderRewriter _rewriter = new(BinaryXattrRecords.ToDotNet);
    private readonly MemoryStream _pending = new();
    private static readonly byte[] EndOfArchive = new byte[TarHeaderBlock.Size * 2];

    private readonly byte[] _chunk = new byte[TarHeaderBlock.Size * 16];
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            if (_pending.Position < _pending.Length)
            {
                return _pending.Read(buffer);
            }
            if (_rewriter.UnchangedAhead > 0)
            {
                var read = archive.Read(buffer[..(int)Math.Min(buffer.Length, _rewriter.UnchangedAhead)]);
                _rewriter.Skip(read);
                return read;
            }
            if (_ended)
            {
                return 0;
            }
            _pending.SetLength(0);
            var wanted = Math.Min(_rewriter.BytesWanted, _chunk.Length);
            var got = archive.Read(_chunk, 0, wanted);
            if (got == 0)
            {
                _ended = true;
                if (_rewriter.AtEntryBoundary)
                {
                    _pending.Write(EndOfArchive);
                }
                _rewriter.Finish(_pending);
            }
            else
            {
                _rewriter.Push(_chunk.AsSpan(0, got), _pending);
            }
            _pending.Position = 0;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
