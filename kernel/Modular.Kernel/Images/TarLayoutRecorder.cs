using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Modular.Kernel.Images;

/// <summary>
/// A read-through stream that records the exact bytes of a layer tar except the contents of its regular files, which
/// the storage driver keeps anyway (the idea of moby's tar-split). <see cref="TarLayoutRebuilder"/> puts headers,
/// padding and trailer back around the files read from the extracted layer, so <c>save</c> and <c>push</c> can hand out
/// the very tar whose sha256 is the layer's diff id. The layout is a gzip stream of records: raw bytes ('R', length,
/// bytes), a file's contents ('F', length, path) and the end ('E').
/// </summary>
internal sealed class TarLayoutRecorder : Stream
{
    private const int BlockSize = 512;
    private readonly Stream _inner;
    private readonly BinaryWriter _layout;
    private readonly MemoryStream _raw = new();
    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFilled;
    private State _state = State.Header;
    private long _remaining;
    private MemoryStream? _metadata;
    private byte _metadataType;
    private string? _paxPath;
    private long? _paxSize;
    private string? _longName;
    private long _paddingFor;
    private bool _finished;

    public TarLayoutRecorder(Stream inner, Stream layoutOutput)
    {
        _inner = inner;
        _layout = new BinaryWriter(new GZipStream(layoutOutput, CompressionLevel.Fastest), Encoding.UTF8, leaveOpen: false);
    }

    private enum State
    {
        Header,
        Metadata,
        FileContent,
        OtherContent,
        Padding,
        Trailer,
    }

    /// <summary>Writes the end record; call once the consumer has read the stream to its end.</summary>
    public void Complete()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        if (_headerFilled > 0)
        {
            _raw.Write(_header, 0, _headerFilled);
        }
        FlushRaw();
        _layout.Write((byte)'E');
        _layout.Dispose();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            switch (_state)
            {
                case State.Header:
                    var take = Math.Min(BlockSize - _headerFilled, bytes.Length);
                    bytes[..take].CopyTo(_header.AsSpan(_headerFilled));
                    _headerFilled += take;
                    bytes = bytes[take..];
                    if (_headerFilled == BlockSize)
                    {
                        _headerFilled = 0;
                        _raw.Write(_header);
                        OnHeader();
                    }
                    break;
                case State.Trailer:
                    _raw.Write(bytes);
                    if (_raw.Length > 1 << 20)
                    {
                        FlushRaw();
                    }
                    return;
                default:
                    var chunk = (int)Math.Min(_remaining, bytes.Length);
                    if (_state == State.Metadata)
                    {
                        _metadata!.Write(bytes[..chunk]);
                        _raw.Write(bytes[..chunk]);
                    }
                    else if (_state is State.OtherContent or State.Padding)
                    {
                        _raw.Write(bytes[..chunk]);
                        if (_raw.Length > 1 << 20)
                        {
                            FlushRaw();
                        }
                    }
                    bytes = bytes[chunk..];
                    _remaining -= chunk;
                    if (_remaining == 0)
                    {
                        OnSectionEnd();
                    }
                    break;
            }
        }
    }

    private void OnHeader()
    {
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            // End of archive: everything from here on (the second zero block, any extra padding) is kept as is.
            _state = State.Trailer;
            return;
        }
        var type = _header[156];
        var size = _paxSize is { } paxSize && type is not ((byte)'x' or (byte)'g') ? paxSize : ParseNumber(_header.AsSpan(124, 12));
        _remaining = size;
        _paddingFor = (BlockSize - size % BlockSize) % BlockSize;
        if (type is (byte)'x' or (byte)'g' or (byte)'L' or (byte)'K')
        {
            _metadataType = type;
            _metadata = new MemoryStream();
            _state = State.Metadata;
        }
        else if (type is (byte)'0' or 0 or (byte)'7')
        {
            FlushRaw();
            _layout.Write((byte)'F');
            _layout.Write(size);
            _layout.Write(_paxPath ?? _longName ?? UstarName());
            _paxPath = null;
            _paxSize = null;
            _longName = null;
            _state = State.FileContent;
        }
        else
        {
            _paxPath = null;
            _paxSize = null;
            _longName = null;
            _state = State.OtherContent;
        }
        if (_remaining == 0)
        {
            OnSectionEnd();
        }
    }

    private void OnSectionEnd()
    {
        if (_state == State.Metadata)
        {
            ReadMetadata();
        }
        if (_state == State.Padding || _paddingFor == 0)
        {
            _state = State.Header;
            return;
        }
        _state = State.Padding;
        _remaining = _paddingFor;
    }

    private void ReadMetadata()
    {
        var content = _metadata!.ToArray();
        _metadata = null;
        if (_metadataType == (byte)'x')
        {
            foreach (var (key, value) in PaxRecords(content))
            {
                if (key == "path")
                {
                    _paxPath = value;
                }
                else if (key == "size" && long.TryParse(value, out var paxSize))
                {
                    _paxSize = paxSize;
                }
            }
        }
        else if (_metadataType == (byte)'L')
        {
            var end = Array.IndexOf(content, (byte)0);
            _longName = Encoding.UTF8.GetString(content, 0, end < 0 ? content.Length : end);
        }
    }

    private static IEnumerable<(string Key, string Value)> PaxRecords(byte[] content)
    {
        var position = 0;
        while (position < content.Length)
        {
            var space = Array.IndexOf(content, (byte)' ', position);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(content, position, space - position), out var length) ||
                length <= 0 || position + length > content.Length)
            {
                yield break;
            }
            var record = Encoding.UTF8.GetString(content, space + 1, position + length - space - 2);
            var equals = record.IndexOf('=');
            if (equals > 0)
            {
                yield return (record[..equals], record[(equals + 1)..]);
            }
            position += length;
        }
    }

    private string UstarName()
    {
        var name = CString(_header.AsSpan(0, 100));
        var isPosixUstar = _header.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
        var prefix = isPosixUstar ? CString(_header.AsSpan(345, 155)) : "";
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>Octal with NUL/space padding, or base-256 (high bit set) for large values.</summary>
    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            var value = 0L;
            for (var i = 0; i < field.Length; i++)
            {
                value = (value << 8) | (uint)(i == 0 ? field[i] & 0x7f : field[i]);
            }
            return value;
        }
        var result = 0L;
        foreach (var b in field)
        {
            if (b is >= (byte)'0' and <= (byte)'7')
            {
                result = result * 8 + (b - '0');
            }
            else if (result > 0 && b is 0 or (byte)' ')
            {
                break;
            }
        }
        return result;
    }

    private void FlushRaw()
    {
        if (_raw.Length == 0)
        {
            return;
        }
        _layout.Write((byte)'R');
        _layout.Write((int)_raw.Length);
        _layout.Write(_raw.GetBuffer(), 0, (int)_raw.Length);
        _raw.SetLength(0);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _layout.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
