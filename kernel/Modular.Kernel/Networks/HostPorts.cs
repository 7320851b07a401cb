using System.Net;
using System.Net.Sockets;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// Reserves published host ports by binding them (TCP and UDP sockets held while the container runs), as dockerd does:
/// a port another program holds fails the start with Docker's message, and no other program can take a port a
/// container publishes. Ephemeral ports (<c>-p 80</c>, <c>-P</c>) come from the kernel's ephemeral range (32768-60999).
/// </summary>
public sealed class HostPorts
{
    private readonly object _lock = new();
    private readonly Dictionary<string, List<Socket>> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<PortMapping, Socket>> _byMapping = new(StringComparer.Ordinal);

    public IReadOnlyList<PortMapping> Reserve(string containerId, IReadOnlyList<PortRequest> requests)
    {
        var sockets = new List<Socket>();
        var mappings = new List<PortMapping>();
        try
        {
            foreach (var request in requests)
            {
                var (socket, port) = BindTwin(request, mappings) ?? Bind(request);
                sockets.Add(socket);
                mappings.Add(new PortMapping(request.Protocol, request.HostIp, port, request.ContainerPort));
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }
        lock (_lock)
        {
            if (_held.Remove(containerId, out var earlier))
            {
                earlier.ForEach(s => s.Dispose());
            }
            _held[containerId] = sockets;
            _byMapping[containerId] = mappings.Zip(sockets).ToDictionary(p => p.First, p => p.Second);
        }
        return mappings;
    }

    public void Release(string containerId)
    {
        lock (_lock)
        {
            _byMapping.Remove(containerId);
            if (_held.Remove(containerId, out var sockets))
            {
                sockets.ForEach(s => s.Dispose());
            }
        }
    }

    /// <summary>The container's reserving sockets by mapping, for a driver whose userland proxy serves the ports on them.</summary>
    public IReadOnlyDictionary<PortMapping, Socket> SocketsOf(string containerId)
    {
        lock (_lock)
        {
            return _byMapping.TryGetValue(containerId, out var sockets) ? sockets : new Dictionary<PortMapping, Socket>();
        }
    }

    // dockerd 28 gives the [::] twin of an ephemeral port (-p 80, -P) the port the IPv4 side got, when it is free.
    private static (Socket Socket, int Port)? BindTwin(PortRequest request, List<PortMapping> bound)
    {
        if (request is not { HostIp: "::", AnyHostAddress: true, HostPortFirst: 0 }
            || bound.FirstOrDefault(m => m.HostIp == "0.0.0.0" && m.Protocol == request.Protocol && m.ContainerPort == request.ContainerPort) is not { } ipv4)
        {
            return null;
        }
        try
        {
            return Bind(request with { HostPortFirst = ipv4.HostPort, HostPortLast = ipv4.HostPort });
        }
        catch (DriverException)
        {
            return null;
        }
    }

    private static (Socket Socket, int Port) Bind(PortRequest request)
    {
        var address = IPAddress.Parse(request.HostIp);
        if (request.HostPortFirst == 0)
        {
            var socket = NewSocket(request.Protocol, address);
            socket.Bind(new IPEndPoint(address, 0));
            Hold(socket);
            return (socket, ((IPEndPoint)socket.LocalEndPoint!).Port);
        }
        for (var port = request.HostPortFirst; port <= request.HostPortLast; port++)
        {
            var socket = NewSocket(request.Protocol, address);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                Hold(socket);
                return (socket, port);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                socket.Dispose();
            }
        }
        var shown = request.HostPortFirst == request.HostPortLast ? $"{request.HostPortFirst}" : $"{request.HostPortFirst}-{request.HostPortLast}";
        throw new DriverException(DriverErrorKind.Internal,
            $"driver failed programming external connectivity on endpoint: Bind for {request.HostIp}:{shown} failed: port is already allocated");
    }

    // A bound TCP socket that is not listening does not stop another SO_REUSEADDR bind (.NET sets it by default);
    // a listening one does. Connections never reach it: DNAT rewrites them before local delivery.
    private static void Hold(Socket socket)
    {
        if (socket.SocketType == SocketType.Stream)
        {
            socket.Listen(1);
        }
    }

    private static Socket NewSocket(string protocol, IPAddress address)
    {
        var socket = protocol switch
        {
            "udp" => new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp),
            _ => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
        };
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // [::]:port and 0.0.0.0:port are separate reservations, as in dockerd.
            socket.DualMode = false;
        }
        return socket;
    }
}
