using System.IO.Compression;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>Recognises a layer's compression by its first bytes (not by a media type, which archives may lie about).</summary>
internal static class LayerDecompression
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>Returns a stream of the uncompressed tar; the caller disposes it (which disposes <paramref name="source"/>).</summary>
    public static Stream OpenUncompressed(Stream source)
    {
        var head = new byte[4];
        var length = 0;
        while (length < head.Length)
        {
            var read = source.Read(head, length, head.Length - length);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        var replayed = new PrefixedStream(head.AsMemory(0, length), source);
        if (head.AsSpan(0, length).StartsWith(GzipMagic))
        {
            return new GZipStream(replayed, CompressionMode.Decompress);
        }
        if (head.AsSpan(0, length).StartsWith(ZstdMagic))
        {
            replayed.Dispose();
            throw DriverException.InvalidArgument("unsupported layer compression: zstd");
        }
        return replayed;
    }

    /// <summary>Gives back bytes already read for sniffing, then the rest of the source.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
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
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
