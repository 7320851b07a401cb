using System.IO.Compression;
using Modular.Sdk;

using Modular.Kernel.Streams;

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
}
