using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Modular.Api.Json;

namespace Modular.Api.Client;

/// <summary>
/// A connection taken over after <c>HTTP/1.1 101 UPGRADED</c> (attach, exec start): writes go to the container's
/// stdin, reads return its output (multiplexed when <see cref="IsMultiplexed"/>).
/// </summary>
public sealed class HijackedConnection : IAsyncDisposable, IDisposable
{
    private readonly Socket _socket;

    private HijackedConnection(Socket socket, Stream stream, bool isMultiplexed)
    {
        _socket = socket;
        Stream = stream;
        IsMultiplexed = isMultiplexed;
    }

    /// <summary>Duplex stream: bytes already received with the headers are returned first.</summary>
    public Stream Stream { get; }

    /// <summary>True when the daemon answered <c>application/vnd.docker.multiplexed-stream</c> (no TTY, API ≥ 1.42).</summary>
    public bool IsMultiplexed { get; }

    /// <summary>Signals end of stdin to the daemon while output keeps flowing (half-close).</summary>
    public void CloseWrite()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The daemon already closed the connection; there is nobody left to tell.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends a POST with <c>Connection: Upgrade</c> / <c>Upgrade: tcp</c> written by hand and reads the answer's
    /// status line and headers without consuming any stream bytes beyond them.</summary>
    internal static async Task<HijackedConnection> OpenAsync(
        EngineEndpoint endpoint, string pathAndQuery, string contentType, byte[]? body, string userAgent, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new EngineUnreachableException(endpoint, e);
        }

        try
        {
            var network = new NetworkStream(socket, ownsSocket: false);
            var host = endpoint.IsUnix ? "docker" : $"{endpoint.TcpHost}:{endpoint.TcpPort}";
            var request = new StringBuilder()
                .Append("POST ").Append(pathAndQuery).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(host).Append("\r\n")
                .Append("User-Agent: ").Append(userAgent).Append("\r\n")
                .Append("Content-Type: ").Append(contentType).Append("\r\n")
                .Append("Content-Length: ").Append(body?.Length ?? 0).Append("\r\n")
                .Append("Connection: Upgrade\r\n")
                .Append("Upgrade: tcp\r\n")
                .Append("\r\n");
            await network.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
            if (body is { Length: > 0 })
                await network.WriteAsync(body, cancellationToken).ConfigureAwait(false);

            var (head, leftover) = await ReadHeadAsync(network, cancellationToken).ConfigureAwait(false);
            var response = ParseHead(head);

            if (response.Status is 101 or 200)
            {
                var multiplexed = response.Headers.TryGetValue("content-type", out var type)
                    && type.StartsWith("application/vnd.docker.multiplexed-stream", StringComparison.OrdinalIgnoreCase);
                return new HijackedConnection(socket, new PrefixedStream(leftover, network), multiplexed);
            }

            var errorBody = await ReadErrorBodyAsync(network, leftover, response, cancellationToken).ConfigureAwait(false);
            throw new EngineApiException((HttpStatusCode)response.Status,
                EngineClient.ErrorMessageFrom(errorBody, response.Headers.GetValueOrDefault("content-type")));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed record ResponseHead(int Status, Dictionary<string, string> Headers);

    private static async Task<(string Head, byte[] Leftover)> ReadHeadAsync(Stream network, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (true)
        {
            var terminator = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (terminator >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer, 0, terminator);
                var leftover = buffer.AsSpan(terminator + 4, length - terminator - 4).ToArray();
                return (head, leftover);
            }
            if (length == buffer.Length)
            {
                if (buffer.Length >= 64 * 1024)
                    throw new InvalidDataException("the daemon's upgrade response headers are too large");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = await network.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new EndOfStreamException("the daemon closed the connection before answering the upgrade request");
            length += read;
        }
    }

    private static ResponseHead ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(statusParts[1], out var status))
            throw new InvalidDataException($"malformed HTTP status line from the daemon: '{lines[0]}'");

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new ResponseHead(status, headers);
    }

    private static async Task<string> ReadErrorBodyAsync(Stream network, byte[] leftover, ResponseHead response, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        body.Write(leftover);
        var expected = response.Headers.TryGetValue("content-length", out var lengthText) && int.TryParse(lengthText, out var n) ? n : int.MaxValue;
        var chunk = new byte[4096];
        while (body.Length < expected)
        {
            var read = await network.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            body.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)Math.Min(body.Length, expected));
    }
}

/// <summary>Serves bytes read past the HTTP head before reading from the socket; writes go straight through.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
{
    private int _prefixOffset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakePrefix(buffer) is var n and > 0)
            return n;
        return inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(buffer.Span) is var n and > 0)
            return n;
        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TakePrefix(Span<byte> destination)
    {
        var available = prefix.Length - _prefixOffset;
        if (available <= 0 || destination.IsEmpty)
            return 0;
        var n = Math.Min(available, destination.Length);
        prefix.AsSpan(_prefixOffset, n).CopyTo(destination);
        _prefixOffset += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
