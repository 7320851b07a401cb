using System.Security.Cryptography;
using System.Text;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// Writes the outer tar of <c>docker save</c> as plain ustar entries (names are at most "blobs/sha256/&lt;64 hex&gt;").
/// A layer entry's size is known before its bytes are produced, so layers stream straight from the storage driver
/// into the archive without a temporary copy; their bytes are counted and hashed as they pass, and an entry whose
/// content does not match what was announced fails the save.
/// </summary>
internal sealed class SaveTarWriter(Stream output, DateTimeOffset modified)
{
    private const int BlockSize = 512;

    public void Directory(string name) => Header(name.EndsWith('/') ? name : name + "/", 0, (byte)'5', "0000755");

    public void File(string name, byte[] content)
    {
        Header(name, content.Length, (byte)'0', "0000644");
        output.Write(content);
        Pad(content.Length);
    }

    /// <summary>An entry of <paramref name="size"/> bytes that <paramref name="write"/> produces; their sha256 must be <paramref name="digest"/>.</summary>
    public void File(string name, long size, string digest, Action<Stream> write)
    {
        Header(name, size, (byte)'0', "0000644");
        using var checking = new CheckingStream(output);
        write(checking);
        var actual = Sha256Digest.Prefix + Convert.ToHexStringLower(checking.Hash.GetHashAndReset());
        if (checking.Written != size || actual != digest)
        {
            throw new DriverException(DriverErrorKind.Internal,
                $"layer {digest} came out as {checking.Written} bytes with digest {actual}; the archive is incomplete");
        }
        Pad(size);
    }

    /// <summary>The two zero blocks that end a tar.</summary>
    public void Finish() => output.Write(new byte[BlockSize * 2]);

    private void Header(string name, long size, byte type, string mode)
    {
        var header = new byte[BlockSize];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Octal(header.AsSpan(100, 8), mode);
        Octal(header.AsSpan(108, 8), "0000000");
        Octal(header.AsSpan(116, 8), "0000000");
        if (size < 8L << 30)
        {
            Octal(header.AsSpan(124, 12), Convert.ToString(size, 8).PadLeft(11, '0'));
        }
        else
        {
            // GNU base-256: high bit set, big-endian value in the remaining bytes.
            header[124] = 0x80;
            for (var i = 0; i < 8; i++)
            {
                header[135 - i] = (byte)(size >> (8 * i));
            }
        }
        Octal(header.AsSpan(136, 12), Convert.ToString(modified.ToUnixTimeSeconds(), 8).PadLeft(11, '0'));
        header.AsSpan(148, 8).Fill((byte)' ');
        header[156] = type;
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        var checksum = 0;
        foreach (var b in header)
        {
            checksum += b;
        }
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        output.Write(header);
    }

    private static void Octal(Span<byte> field, string digits)
    {
        Encoding.ASCII.GetBytes(digits).CopyTo(field);
        field[digits.Length] = 0;
    }

    private void Pad(long size)
    {
        var padding = (int)((BlockSize - size % BlockSize) % BlockSize);
        if (padding > 0)
        {
            output.Write(new byte[padding]);
        }
    }

    private sealed class CheckingStream(Stream inner) : Stream
    {
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Written { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Hash.AppendData(buffer);
            Written += buffer.Length;
            inner.Write(buffer);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
