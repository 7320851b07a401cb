using System.Net;
using System.Net.Sockets;
using Modular.Kernel.Networks.EtcFiles;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// Forwards a query to a container's upstream nameservers, in order, at most three, each with dockerd's 4 s timeout.
/// Host-loopback upstreams (the host's own resolv.conf, e.g. a 127.0.0.53 stub) are asked from the daemon's
/// namespace, where they are reachable; upstreams the user named with --dns are asked from the container's namespace,
/// as the container itself would.
/// </summary>
public sealed class DnsForwarder
{
    private const int MaxUpstreams = 3;
    private const int DnsPort = 53;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    /// <summary>Port the upstreams listen on; 53 except in tests that run their own upstream.</summary>
    public int UpstreamPort { get; init; } = DnsPort;

    /// <summary>The first upstream's answer, or null when none answered.</summary>
    public async Task<byte[]?> ForwardAsync(byte[] query, IReadOnlyList<ExternalNameServer> upstreams, string? sandboxPath, bool overTcp,
        CancellationToken cancellationToken)
    {
        foreach (var upstream in upstreams.Take(MaxUpstreams))
        {
            if (!upstream.HostLoopback && sandboxPath is null)
            {
                continue;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                using var socket = NewSocket(upstream, sandboxPath, overTcp);
                var endpoint = new IPEndPoint(upstream.Address, UpstreamPort);
                var answer = overTcp
                    ? await AskOverTcpAsync(socket, endpoint, query, timeout.Token)
                    : await AskOverUdpAsync(socket, endpoint, query, timeout.Token);
                if (answer is not null)
                {
                    return answer;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Unreachable, refused or silent: try the next one.
            }
        }
        return null;
    }

    private static Socket NewSocket(ExternalNameServer upstream, string? sandboxPath, bool overTcp)
    {
        var type = overTcp ? SocketType.Stream : SocketType.Dgram;
        var protocol = overTcp ? ProtocolType.Tcp : ProtocolType.Udp;
        return upstream.HostLoopback
            ? new Socket(upstream.Address.AddressFamily, type, protocol)
            : NetworkNamespaceSockets.Socket(sandboxPath!, upstream.Address.AddressFamily, type, protocol);
    }

    private static async Task<byte[]?> AskOverUdpAsync(Socket socket, IPEndPoint endpoint, byte[] query, CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(endpoint, cancellationToken);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken);
        var buffer = new byte[65535];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            // A late answer to an earlier query on a reused port would carry another id: wait for ours.
            if (received >= DnsMessage.HeaderLength && DnsMessage.ReadId(buffer) == DnsMessage.ReadId(query))
            {
                return buffer[..received];
            }
        }
    }

    private static async Task<byte[]?> AskOverTcpAsync(Socket socket, IPEndPoint endpoint, byte[] query, CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(endpoint, cancellationToken);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await DnsTcpFraming.WriteAsync(stream, query, cancellationToken);
        return await DnsTcpFraming.ReadAsync(stream, cancellationToken);
    }
}
