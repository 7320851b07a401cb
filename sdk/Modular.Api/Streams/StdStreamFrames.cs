using System.Buffers.Binary;

namespace Modular.Api.Streams;

/// <summary>The stream a multiplexed frame belongs to (byte 0 of its header).</summary>
public enum StdStreamKind : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
    /// <summary>An error the daemon reports in-band; readers turn it into an exception.</summary>
    SystemError = 3,
}

/// <summary>One frame read from a multiplexed stream. <see cref="Payload"/> is only valid until the next read.</summary>
public readonly record struct StdStreamFrame(StdStreamKind Kind, ReadOnlyMemory<byte> Payload);

/// <summary>Raised when the daemon sends a <see cref="StdStreamKind.SystemError"/> frame.</summary>
public sealed class StdStreamSystemErrorException(string message) : Exception(message);

/// <summary>
/// Docker's stdout/stderr multiplexing used by logs, attach and exec when there is no TTY: every chunk is preceded by
/// an 8-byte header — byte 0 the stream, bytes 1-3 zero, bytes 4-7 the payload length as big-endian uint32.
/// </summary>
public static class StdStreamFrames
{
    public const int HeaderLength = 8;

    /// <summary>Writes the 8-byte header for a payload of <paramref name="length"/> bytes into <paramref name="header"/>.</summary>
    public static void WriteHeader(Span<byte> header, StdStreamKind kind, int length)
    {
        header[0] = (byte)kind;
        header[1] = header[2] = header[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)length);
    }

    /// <summary>Writes one frame (header and payload) as a single write, so concurrent writers that serialize whole
    /// calls never interleave a header with another frame's payload.</summary>
    public static async ValueTask WriteFrameAsync(Stream output, StdStreamKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var frame = new byte[HeaderLength + payload.Length];
        WriteHeader(frame, kind, payload.Length);
        payload.CopyTo(frame.AsMemory(HeaderLength));
        await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies a multiplexed stream to <paramref name="stdout"/> and <paramref name="stderr"/> until it ends.
    /// Stdin frames go to stdout (as Docker does); a system-error frame throws.
    /// </summary>
    public static async Task DemultiplexAsync(Stream input, Stream stdout, Stream stderr, CancellationToken cancellationToken = default)
    {
        var reader = new StdStreamFrameReader(input);
        while (await reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            switch (frame.Kind)
            {
                case StdStreamKind.Stdin:
                case StdStreamKind.Stdout:
                    await stdout.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                    await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case StdStreamKind.Stderr:
                    await stderr.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                    await stderr.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case StdStreamKind.SystemError:
                    throw new StdStreamSystemErrorException(System.Text.Encoding.UTF8.GetString(frame.Payload.Span));
            }
        }
    }
}

/// <summary>Reads frames one at a time from a multiplexed stream, reusing one buffer.</summary>
public sealed class StdStreamFrameReader(Stream input)
{
    private readonly byte[] _header = new byte[StdStreamFrames.HeaderLength];
    private byte[] _payload = new byte[32 * 1024];

    /// <summary>The next frame, or null at a clean end of stream (EOF on a frame boundary).</summary>
    public async ValueTask<StdStreamFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var got = await ReadFullyAsync(_header, cancellationToken).ConfigureAwait(false);
        if (got == 0)
            return null;
        if (got < _header.Length)
            throw new EndOfStreamException($"multiplexed stream ended inside a frame header ({got} of 8 bytes)");

        var kind = _header[0];
        if (kind > (byte)StdStreamKind.SystemError)
            throw new InvalidDataException($"unrecognized stream in multiplexed frame header: {kind}");

        var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4)));
        if (length > _payload.Length)
            _payload = new byte[Math.Max(length, _payload.Length * 2)];

        var payload = _payload.AsMemory(0, length);
        if (await ReadFullyAsync(payload, cancellationToken).ConfigureAwait(false) < length)
            throw new EndOfStreamException("multiplexed stream ended inside a frame payload");
        return new StdStreamFrame((StdStreamKind)kind, payload);
    }

    private async ValueTask<int> ReadFullyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await input.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }
}

/// <summary>
/// A write-only stream that frames each write for one <see cref="StdStreamKind"/>. Several of them may share an
/// output; the shared <paramref name="gate"/> keeps their frames whole.
/// </summary>
public sealed class StdStreamFrameWriter(Stream output, StdStreamKind kind, SemaphoreSlim gate) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StdStreamFrames.WriteFrameAsync(output, kind, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => output.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
