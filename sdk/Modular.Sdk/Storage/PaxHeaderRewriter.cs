using System.Globalization;
using System.Text;

namespace Modular.Sdk.Storage;

/// <summary>
/// Walks a tar stream block by block as bytes are pushed through it and lets a function rewrite the records of every
/// PAX extended header ('x', and 'g' so binary values there cannot break the reader either), fixing that header's size
/// and checksum. Everything else passes through untouched: headers, GNU long names ('L', 'K'), entry data of any size.
/// Only one header block and one extended header are ever held, so memory stays flat whatever the archive's size.
/// <para>On anything that is not a well-formed header it stops rewriting and passes the rest through as is, so the tar
/// reader downstream meets the same bytes and reports the damage itself.</para>
/// </summary>
internal sealed class PaxHeaderRewriter(Func<List<PaxRecord>, byte[]?> rewriteRecords)
{
    /// <summary>The largest extended header accepted, as Go's archive/tar allows: far more than any file's xattrs.</summary>
    public const int MaxExtendedHeaderSize = 1 << 20;

    private static readonly byte[] Zeros = new byte[TarHeaderBlock.Size];

    private readonly byte[] _header = new byte[TarHeaderBlock.Size];
    private int _headerFilled;
    private byte[]? _extended;
    private int _extendedFilled;
    private int _extendedSize;
    private long _dataRemaining;
    private long? _nextEntrySize;
    private bool _passingEverything;

    /// <summary>How many of the next bytes pass through unchanged, so a caller may copy them without pushing them.</summary>
    public long UnchangedAhead => _passingEverything ? long.MaxValue : _dataRemaining;

    /// <summary>How many bytes the rewriter needs before it can decide what to emit next (0 while bytes pass through).</summary>
    public int BytesWanted =>
        UnchangedAhead > 0 ? 0
        : _extended is not null ? _extended.Length - _extendedFilled
        : TarHeaderBlock.Size - _headerFilled;

    /// <summary>Whether the bytes pushed so far end exactly after an entry (or before the first), where an archive may end.</summary>
    public bool AtEntryBoundary => !_passingEverything && _dataRemaining == 0 && _extended is null && _headerFilled == 0;

    /// <summary>Records that the caller passed <paramref name="count"/> of the <see cref="UnchangedAhead"/> bytes through itself.</summary>
    public void Skip(long count)
    {
        if (!_passingEverything)
        {
            _dataRemaining -= count;
        }
    }

    /// <summary>Consumes <paramref name="input"/>, writing what it becomes to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">An extended header is larger than <see cref="MaxExtendedHeaderSize"/>.</exception>
    public void Push(ReadOnlySpan<byte> input, Stream output)
    {
        while (!input.IsEmpty)
        {
            if (UnchangedAhead > 0)
            {
                var count = (int)Math.Min(UnchangedAhead, input.Length);
                output.Write(input[..count]);
                Skip(count);
                input = input[count..];
            }
            else if (_extended is not null)
            {
                var count = Math.Min(_extended.Length - _extendedFilled, input.Length);
                input[..count].CopyTo(_extended.AsSpan(_extendedFilled));
                _extendedFilled += count;
                input = input[count..];
                if (_extendedFilled == _extended.Length)
                {
                    EmitExtendedHeader(output);
                }
            }
            else
            {
                var count = Math.Min(TarHeaderBlock.Size - _headerFilled, input.Length);
                input[..count].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += count;
                input = input[count..];
                if (_headerFilled == TarHeaderBlock.Size)
                {
                    _headerFilled = 0;
                    OnHeader(output);
                }
            }
        }
    }

    /// <summary>Ends the stream: a header cut short is written out as it came, for the reader to report.</summary>
    public void Finish(Stream output)
    {
        if (_extended is not null)
        {
            output.Write(_header);
            output.Write(_extended, 0, _extendedFilled);
            _extended = null;
        }
        else if (_headerFilled > 0)
        {
            output.Write(_header, 0, _headerFilled);
        }
        _headerFilled = 0;
        _passingEverything = true;
    }

    private void OnHeader(Stream output)
    {
        if (TarHeaderBlock.IsZero(_header))
        {
            output.Write(_header); // end-of-archive blocks carry nothing, and may be followed by more of them
            return;
        }
        if (!TarHeaderBlock.HasValidChecksum(_header) || !TarHeaderBlock.TryReadSize(_header, out var size))
        {
            output.Write(_header);
            _passingEverything = true;
            return;
        }
        switch (TarHeaderBlock.TypeFlag(_header))
        {
            case (byte)'x' or (byte)'g':
                if (size > MaxExtendedHeaderSize)
                {
                    throw new InvalidDataException(
                        $"a PAX extended header of {size} bytes is larger than the {MaxExtendedHeaderSize} bytes allowed");
                }
                _extendedSize = (int)size;
                _extended = new byte[TarHeaderBlock.Padded(size)];
                _extendedFilled = 0;
                if (_extended.Length == 0)
                {
                    EmitExtendedHeader(output);
                }
                return;
            case (byte)'L' or (byte)'K':
                // GNU long names precede their entry as an extended header does, so a pending PAX size is not theirs (Go's reading;
                // System.Formats.Tar itself refuses a GNU long name and a PAX header on one entry).
                output.Write(_header);
                _dataRemaining = TarHeaderBlock.Padded(size);
                return;
            case (byte)'S':
                // Old GNU sparse entries may be followed by extra sparse-map blocks this walk does not follow;
                // System.Formats.Tar does not extract them either, so the reader refuses the archive here.
                output.Write(_header);
                _passingEverything = true;
                return;
            default:
                // A PAX "size" record overrides the header's size field, which cannot express 8 GiB and more.
                _dataRemaining = TarHeaderBlock.Padded(_nextEntrySize ?? size);
                _nextEntrySize = null;
                output.Write(_header);
                return;
        }
    }

    private void EmitExtendedHeader(Stream output)
    {
        var extended = _extended!;
        _extended = null;
        var records = PaxRecords.TryParse(extended.AsSpan(0, _extendedSize));
        if (records is null)
        {
            output.Write(_header); // malformed: left for the reader to refuse
            output.Write(extended);
            return;
        }
        if (TarHeaderBlock.TypeFlag(_header) == (byte)'x')
        {
            _nextEntrySize = SizeRecord(records) ?? _nextEntrySize;
        }
        if (rewriteRecords(records) is not { } rewritten)
        {
            output.Write(_header);
            output.Write(extended);
            return;
        }
        TarHeaderBlock.WriteSize(_header, rewritten.Length);
        TarHeaderBlock.WriteChecksum(_header);
        output.Write(_header);
        output.Write(rewritten);
        output.Write(Zeros, 0, (int)(TarHeaderBlock.Padded(rewritten.Length) - rewritten.Length));
    }

    private static long? SizeRecord(List<PaxRecord> records)
    {
        foreach (var record in records)
        {
            if (record.Key.AsSpan().SequenceEqual("size"u8)
                && long.TryParse(Encoding.ASCII.GetString(record.Value), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return size;
            }
        }
        return null;
    }
}
