using System.Buffers.Binary;

namespace Modular.Kernel.Networks.Dns;

/// <summary>DNS over TCP: every message is preceded by its length as two big-endian bytes (RFC 1035 4.2.2).</summary>
public static class DnsTcpFraming
{
    public static async Task WriteAsync(Stream stream, byte[] message, CancellationToken cancellationToken)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken);
    }

    /// <summary>The next message, or null at a clean end of stream.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, prefix, cancellationToken))
        {
            return null;
        }
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        return await ReadExactlyOrEndAsync(stream, message, cancellationToken) ? message : null;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (count == 0)
            {
                return false;
            }
            read += count;
        }
        return true;
    }
}
