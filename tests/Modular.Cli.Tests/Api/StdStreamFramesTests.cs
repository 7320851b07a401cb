using Modular.Api.Streams;
using Xunit;

namespace Modular.Cli.Tests.Api;

public sealed class StdStreamFramesTests
{
    [Fact]
    public async Task Frame_header_is_stream_byte_then_big_endian_length()
    {
        using var output = new MemoryStream();
        await StdStreamFrames.WriteFrameAsync(output, StdStreamKind.Stderr, "hello"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, output.ToArray());
    }

    [Fact]
    public async Task Demultiplex_routes_frames_to_their_streams_even_when_reads_are_split()
    {
        using var wire = new MemoryStream();
        var gate = new SemaphoreSlim(1, 1);
        var stdoutWriter = new StdStreamFrameWriter(wire, StdStreamKind.Stdout, gate);
        var stderrWriter = new StdStreamFrameWriter(wire, StdStreamKind.Stderr, gate);
        await stdoutWriter.WriteAsync("out1\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await stderrWriter.WriteAsync("err1\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await stdoutWriter.WriteAsync(new byte[70_000], TestContext.Current.CancellationToken);

        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        await StdStreamFrames.DemultiplexAsync(new TrickleStream(wire.ToArray(), 3), stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(5 + 70_000, stdout.Length);
        Assert.Equal("out1\n"u8.ToArray(), stdout.ToArray()[..5]);
        Assert.Equal("err1\n"u8.ToArray(), stderr.ToArray());
    }

    [Fact]
    public async Task System_error_frame_becomes_an_exception()
    {
        using var wire = new MemoryStream();
        await StdStreamFrames.WriteFrameAsync(wire, StdStreamKind.SystemError, "boom"u8.ToArray(), TestContext.Current.CancellationToken);
        wire.Position = 0;

        var error = await Assert.ThrowsAsync<StdStreamSystemErrorException>(
            () => StdStreamFrames.DemultiplexAsync(wire, Stream.Null, Stream.Null, TestContext.Current.CancellationToken));
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task Truncated_frame_is_reported()
    {
        var wire = new MemoryStream([1, 0, 0, 0, 0, 0, 0, 9, (byte)'x']);
        await Assert.ThrowsAsync<EndOfStreamException>(
            () => StdStreamFrames.DemultiplexAsync(wire, Stream.Null, Stream.Null, TestContext.Current.CancellationToken));
    }

    /// <summary>Returns at most a few bytes per read, like a slow socket.</summary>
    internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
