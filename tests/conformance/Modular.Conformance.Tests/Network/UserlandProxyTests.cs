using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Modular.Network.Bridge.UserlandProxy;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>
/// The bridge driver's userland proxy on the host's loopback, with a server in the test standing in for the container:
/// bytes arrive intact both ways with half-close, udp clients get flows of their own that expire when idle, and stopping
/// the proxy drops its connections but leaves a socket the kernel reserved open for the kernel to close.
/// </summary>
public sealed class UserlandProxyTests
{
    [Fact]
    public async Task Tcp_bytes_cross_intact_both_ways_and_a_half_close_is_passed_on()
    {
        using var backend = Listen();
        var front = Listen();
        using var proxy = new TcpPortProxy(front, ownsListener: true, (IPEndPoint)backend.LocalEndPoint!);
        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var server = Task.Run(async () =>
        {
            using var accepted = await backend.AcceptAsync();
            var received = await ReadToEndAsync(accepted);
            await accepted.SendAsync(SHA256.HashData(received));
            accepted.Shutdown(SocketShutdown.Send);
        }, TestContext.Current.CancellationToken);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)front.LocalEndPoint!, TestContext.Current.CancellationToken);
        await client.SendAsync(payload);
        client.Shutdown(SocketShutdown.Send);
        var digest = await ReadToEndAsync(client);
        await server;

        Assert.Equal(SHA256.HashData(payload), digest);
    }

    [Fact]
    public async Task Stopping_leaves_a_kernel_reserved_socket_open_and_ends_forwarded_connections()
    {
        using var backend = Listen();
        using var reserved = Listen();
        var proxy = new TcpPortProxy(reserved, ownsListener: false, (IPEndPoint)backend.LocalEndPoint!);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)reserved.LocalEndPoint!, TestContext.Current.CancellationToken);
        using var accepted = await backend.AcceptAsync(TestContext.Current.CancellationToken);

        proxy.Dispose();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int read;
        try
        {
            read = await client.ReceiveAsync(new byte[1], SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            read = 0;
        }
        Assert.Equal(0, read);
        // Still the kernel's: bound and listening, so the port stays reserved until the kernel lets go.
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await late.ConnectAsync((IPEndPoint)reserved.LocalEndPoint!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Udp_clients_get_flows_of_their_own_that_close_when_idle()
    {
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        backend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var echo = EchoWithSourcePortAsync(backend, stop.Token);
        var front = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var proxy = new UdpPortProxy(front, ownsFront: true, (IPEndPoint)backend.LocalEndPoint!, TimeSpan.FromSeconds(1));

        using var first = Client(front);
        using var second = Client(front);
        var firstReply = await AskAsync(first, "one");
        var secondReply = await AskAsync(second, "two");

        // Each client hears only its own answer, and the server saw two different sources: two flows.
        Assert.StartsWith("one from ", firstReply);
        Assert.StartsWith("two from ", secondReply);
        Assert.NotEqual(firstReply["one from ".Length..], secondReply["two from ".Length..]);
        Assert.Equal(2, proxy.FlowCount);
        Assert.Equal(firstReply["one from ".Length..], (await AskAsync(first, "one"))["one from ".Length..]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (proxy.FlowCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, proxy.FlowCount);
        Assert.StartsWith("one from ", await AskAsync(first, "one"));
        stop.Cancel();
        await echo;
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(1);
        return socket;
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        return all.ToArray();
    }

    private static Socket Client(Socket front)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect((IPEndPoint)front.LocalEndPoint!);
        return client;
    }

    private static async Task<string> AskAsync(Socket client, string question)
    {
        await client.SendAsync(System.Text.Encoding.ASCII.GetBytes(question));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task EchoWithSourcePortAsync(Socket server, CancellationToken stop)
    {
        var buffer = new byte[256];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var datagram = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
                var text = System.Text.Encoding.ASCII.GetString(buffer, 0, datagram.ReceivedBytes) + " from " + ((IPEndPoint)datagram.RemoteEndPoint).Port;
                await server.SendToAsync(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None, datagram.RemoteEndPoint, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
