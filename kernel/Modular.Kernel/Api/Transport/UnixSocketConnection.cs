using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Modular.Kernel.Api.Transport;

/// <summary>
/// One accepted API connection: a receive loop feeding Kestrel's input and a send loop draining its output. A FIN
/// from the client completes the input only; the connection counts as closed when the output ends or fails.
/// </summary>
internal sealed class UnixSocketConnection : ConnectionContext
{
    private readonly Socket _socket;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private readonly CancellationTokenSource _closed = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;

    public UnixSocketConnection(Socket socket, EndPoint endpoint)
    {
        _socket = socket;
        LocalEndPoint = endpoint;
        RemoteEndPoint = endpoint;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
    }

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");
    public override IFeatureCollection Features { get; } = new FeatureCollection();
    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    public override IDuplexPipe Transport { get; set; }

    public void Start()
    {
        _receiving = Task.Run(ReceiveAsync);
        _sending = Task.Run(SendAsync);
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _output.Reader.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _output.Writer.Complete();
        _input.Reader.Complete();
        await Task.WhenAll(_receiving, _sending);
        _socket.Dispose();
        _closed.Dispose();
    }

    private async Task ReceiveAsync()
    {
        Exception? error = null;
        try
        {
            if (!await ReceiveFirstRequestAsync())
            {
                _ = Task.Run(WatchForPeerCloseAsync);
                await _input.Writer.CompleteAsync();
                return;
            }
            while (true)
            {
                var buffer = _input.Writer.GetMemory(8192);
                var received = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                if (received == 0)
                {
                    _ = Task.Run(WatchForPeerCloseAsync);
                    break;
                }
                _input.Writer.Advance(received);
                var flushed = await _input.Writer.FlushAsync();
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = new ConnectionResetException(e.Message, e);
            Close();
        }
        await _input.Writer.CompleteAsync(error);
    }

    private async Task SendAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }
                foreach (var segment in result.Buffer)
                {
                    await _socket.SendAsync(segment, SocketFlags.None);
                }
                _output.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client is gone; closing below tells the application.
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already shut down.
        }
        await _output.Reader.CompleteAsync();
        Close();
    }

    /// <summary>Buffers the first request until <see cref="HijackRequestRewriter"/> can decide on it; false at EOF.</summary>
    private async Task<bool> ReceiveFirstRequestAsync()
    {
        var buffered = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var received = await _socket.ReceiveAsync(chunk, SocketFlags.None);
            if (received > 0)
            {
                buffered.Write(chunk, 0, received);
            }
            if (received == 0 || HijackRequestRewriter.CanDecide(buffered.GetBuffer().AsSpan(0, (int)buffered.Length)))
            {
                var bytes = HijackRequestRewriter.Rewrite(buffered.GetBuffer().AsSpan(0, (int)buffered.Length));
                if (bytes.Length > 0)
                {
                    await _input.Writer.WriteAsync(bytes);
                }
                return received > 0;
            }
        }
    }

    // After the client's FIN we cannot tell a half-close from a full close by reading. On a unix socket the kernel
    // reports POLLHUP only once the peer has closed both directions, so that is what ends a long-running response
    // (events, logs --follow, wait) whose client went away without the server having anything to write.
    private async Task WatchForPeerCloseAsync()
    {
        while (!_closed.IsCancellationRequested)
        {
            if (PeerClosed())
            {
                Close();
                return;
            }
            await Task.Delay(250);
        }
    }

    private unsafe bool PeerClosed()
    {
        try
        {
            var descriptor = new Tmds.Linux.pollfd { fd = (int)_socket.Handle, events = Tmds.Linux.LibC.POLLHUP };
            return Tmds.Linux.LibC.poll(&descriptor, 1, 0) > 0 && (descriptor.revents & Tmds.Linux.LibC.POLLHUP) != 0;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently.
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
