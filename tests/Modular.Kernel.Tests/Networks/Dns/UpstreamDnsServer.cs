using System.Net;
using System.Net.Sockets;
using Modular.Kernel.Networks.Dns;

namespace Modular.Kernel.Tests.Networks.Dns;

/// <summary>
/// A real nameserver on 127.0.0.1 of the host's namespace (UDP and TCP on one port) that knows one name, standing in
/// for the host's resolvers; it counts what it was asked.
/// </summary>
internal sealed class UpstreamDnsServer : IAsyncDisposable
{
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _tcp = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private int _questions;

    public UpstreamDnsServer(string name, IPAddress address)
    {
        Name = name;
        Address = address;
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_udp.LocalEndPoint!).Port;
        _tcp.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _tcp.Listen();
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public int Port { get; }

    public int Questions => Volatile.Read(ref _questions);

    private byte[] Answer(byte[] message)
    {
        Interlocked.Increment(ref _questions);
        var query = DnsMessage.ReadQuery(message)!;
        return query.Question.Name == Name && query.Question.Type == (ushort)DnsType.A
            ? DnsMessage.WriteResponse(query, DnsResponseCode.NoError, [new DnsAnswer(DnsType.A, 30, Address)])
            : DnsMessage.WriteResponse(query, DnsResponseCode.NameError, []);
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                await _udp.SendToAsync(Answer(buffer[..received.ReceivedBytes]), received.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeTcpAsync()
    {
        try
        {
            while (true)
            {
                using var connection = await _tcp.AcceptAsync(_stop.Token);
                await using var stream = new NetworkStream(connection);
                var message = await DnsTcpFraming.ReadAsync(stream, _stop.Token);
                if (message is not null)
                {
                    await DnsTcpFraming.WriteAsync(stream, Answer(message), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
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
