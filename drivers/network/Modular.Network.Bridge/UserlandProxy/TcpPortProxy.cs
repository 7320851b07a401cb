using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Modular.Network.Bridge.UserlandProxy;

/// <summary>
/// Forwards every connection accepted on a published TCP port to the container's address: one connection to the container
/// per client, bytes copied both ways through pooled 64 KiB buffers on async sockets (no thread per connection), a
/// half-close passed on as a half-close. Disposing stops accepting and drops every forwarded connection.
/// </summary>
internal sealed class TcpPortProxy : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int Backlog = 512;

    private readonly Socket _listener;
    private readonly bool _ownsListener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;

    /// <param name="listener">A socket bound and listening on the published address.</param>
    /// <param name="ownsListener">False when the kernel holds the socket as the port's reservation and closes it itself.</param>
    /// <param name="target">The container's address and port.</param>
    public TcpPortProxy(Socket listener, bool ownsListener, IPEndPoint target)
    {
        _listener = listener;
        _ownsListener = ownsListener;
        _target = target;
        // A reservation is held with a backlog of 1; a proxy serving clients needs room for bursts of connects.
        _listener.Listen(Backlog);
        _accepting = AcceptAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (_ownsListener)
        {
            _listener.Dispose();
        }
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the cancellation; nothing else to report.
        }
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that reset before being accepted (ECONNABORTED) does not stop the others.
                continue;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var backend = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            _open[client] = 0;
            _open[backend] = 0;
            try
            {
                client.NoDelay = true;
                backend.NoDelay = true;
                await backend.ConnectAsync(_target, _stop.Token);
                await Task.WhenAll(CopyAsync(client, backend), CopyAsync(backend, client));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The container refused or went away, or the proxy is stopping: both ends are closed below.
            }
            finally
            {
                _open.TryRemove(client, out _);
                _open.TryRemove(backend, out _);
            }
        }
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
                if (received == 0)
                {
                    // Pass the end of this direction on; the other direction may still carry an answer.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                for (var sent = 0; sent < received;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset on one side ends both: closing the other makes its peer see the end too.
            from.Dispose();
            to.Dispose();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
