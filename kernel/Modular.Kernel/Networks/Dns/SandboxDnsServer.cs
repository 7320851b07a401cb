using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Networks.EtcFiles;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// The embedded resolver of one container: a UDP socket and a TCP listener on 127.0.0.11:53 created inside the
/// container's network namespace and served from the daemon. Each message is answered on its own task, so a slow
/// upstream never holds up the engine's own names.
/// </summary>
public sealed class SandboxDnsServer : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private readonly string _containerId;
    private readonly string _sandboxPath;
    private readonly Func<IReadOnlyList<ExternalNameServer>> _upstreams;
    private readonly EmbeddedResolver _resolver;
    private readonly ILogger _logger;

    private SandboxDnsServer(string containerId, string sandboxPath, Socket udp, Socket tcp,
        Func<IReadOnlyList<ExternalNameServer>> upstreams, EmbeddedResolver resolver, ILogger logger)
    {
        _containerId = containerId;
        _sandboxPath = sandboxPath;
        _udp = udp;
        _tcp = tcp;
        _upstreams = upstreams;
        _resolver = resolver;
        _logger = logger;
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    /// <summary>Binds <paramref name="listenAddress"/>:<paramref name="port"/> inside the namespace and starts serving.</summary>
    public static SandboxDnsServer Start(string containerId, string sandboxPath, IPAddress listenAddress, int port,
        Func<IReadOnlyList<ExternalNameServer>> upstreams, EmbeddedResolver resolver, ILogger logger)
    {
        var (udp, tcp) = NetworkNamespaceSockets.CreateInside(sandboxPath, () =>
        {
            var endpoint = new IPEndPoint(listenAddress, port);
            var udpSocket = new Socket(listenAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcpSocket = new Socket(listenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udpSocket.Bind(endpoint);
                tcpSocket.Bind(endpoint);
                tcpSocket.Listen(64);
                return (udpSocket, tcpSocket);
            }
            catch
            {
                udpSocket.Dispose();
                tcpSocket.Dispose();
                throw;
            }
        });
        return new SandboxDnsServer(containerId, sandboxPath, udp, tcp, upstreams, resolver, logger);
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug(e, "DNS receive in {Container} failed", _containerId[..12]);
                continue;
            }
            var message = buffer[..received.ReceivedBytes];
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                var answer = await AnswerAsync(message, overTcp: false);
                if (answer is not null)
                {
                    try
                    {
                        await _udp.SendToAsync(answer, SocketFlags.None, client, _stop.Token);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The client or the container went away.
                    }
                }
            });
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _tcp.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug(e, "DNS accept in {Container} failed", _containerId[..12]);
                continue;
            }
            _ = Task.Run(() => ServeConnectionAsync(connection));
        }
    }

    private async Task ServeConnectionAsync(Socket connection)
    {
        using var _ = connection;
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            while (true)
            {
                idle.CancelAfter(TimeSpan.FromSeconds(10));
                var message = await DnsTcpFraming.ReadAsync(stream, idle.Token);
                if (message is null)
                {
                    return;
                }
                var answer = await AnswerAsync(message, overTcp: true);
                if (answer is null)
                {
                    return;
                }
                await DnsTcpFraming.WriteAsync(stream, answer, idle.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Client closed, idle or the server stopped.
        }
    }

    private async Task<byte[]?> AnswerAsync(byte[] message, bool overTcp)
    {
        try
        {
            return await _resolver.AnswerAsync(_containerId, _sandboxPath, _upstreams(), message, overTcp, _stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Answering a DNS query of {Container} failed", _containerId[..12]);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Dispose();
        await Task.WhenAll(_udpLoop, _tcpLoop);
        _stop.Dispose();
    }
}
