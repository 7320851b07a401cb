using System.Net;
using System.Net.Sockets;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge.UserlandProxy;

/// <summary>
/// The userland proxies of one endpoint, one per published port. Each listens on the socket the kernel reserved for the
/// port when there is one (as dockerd hands its bound socket to docker-proxy), otherwise binds the port itself, so the
/// proxy's socket is what reserves the port. Starting is all or nothing; disposing stops every proxy.
/// </summary>
internal sealed class EndpointProxies : IDisposable
{
    private readonly List<IDisposable> _proxies;

    private EndpointProxies(List<IDisposable> proxies) => _proxies = proxies;

    /// <summary>Proxies every port to <paramref name="containerAddress"/>.</summary>
    public static EndpointProxies Start(IReadOnlyList<PortMapping> ports, IReadOnlyDictionary<PortMapping, Socket> reserved,
        string containerAddress, TimeSpan udpIdleTimeout) =>
        Start(ports, reserved, _ => containerAddress, udpIdleTimeout);

    /// <summary>
    /// Proxies ports on IPv6 host addresses to the container's IPv6 address when it has one, everything else to its IPv4
    /// address (docker-proxy's choice: an IPv4-only container is still reachable on [::]).
    /// </summary>
    public static EndpointProxies Start(IReadOnlyList<PortMapping> ports, IReadOnlyDictionary<PortMapping, Socket> reserved,
        string containerIPv4Address, string containerIPv6Address, TimeSpan udpIdleTimeout) =>
        Start(ports, reserved, port => port.HostIp.Contains(':', StringComparison.Ordinal) && containerIPv6Address.Length > 0 ? containerIPv6Address : containerIPv4Address,
            udpIdleTimeout);

    private static EndpointProxies Start(IReadOnlyList<PortMapping> ports, IReadOnlyDictionary<PortMapping, Socket> reserved,
        Func<PortMapping, string> containerAddress, TimeSpan udpIdleTimeout)
    {
        var proxies = new List<IDisposable>();
        try
        {
            foreach (var port in ports)
            {
                var target = new IPEndPoint(IPAddress.Parse(containerAddress(port)), port.ContainerPort);
                var held = reserved.TryGetValue(port, out var socket);
                var front = held ? socket! : Bind(port);
                try
                {
                    proxies.Add(port.Protocol switch
                    {
                        "tcp" => new TcpPortProxy(front, ownsListener: !held, target),
                        "udp" => new UdpPortProxy(front, ownsFront: !held, target, udpIdleTimeout),
                        _ => throw DriverException.InvalidArgument($"the userland proxy cannot forward {port.Protocol} ports"),
                    });
                }
                catch when (!held)
                {
                    front.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            proxies.ForEach(p => p.Dispose());
            throw;
        }
        return new EndpointProxies(proxies);
    }

    public void Dispose() => _proxies.ForEach(p => p.Dispose());

    private static Socket Bind(PortMapping port)
    {
        var address = IPAddress.Parse(port.HostIp.Length == 0 ? "0.0.0.0" : port.HostIp);
        var socket = port.Protocol == "udp"
            ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // [::]:port and 0.0.0.0:port are separate bindings, as the kernel's reservations are.
            socket.DualMode = false;
        }
        try
        {
            socket.Bind(new IPEndPoint(address, port.HostPort));
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new DriverException(DriverErrorKind.Internal,
                $"driver failed programming external connectivity on endpoint: Bind for {address}:{port.HostPort} failed: port is already allocated");
        }
    }
}
