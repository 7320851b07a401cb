using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// A container's attachment to a network as persisted: what was asked (static address, aliases) and, while the
/// container runs, the live endpoint (its id, address, MAC and published ports). The address stays allocated while
/// <see cref="EndpointId"/> is set, which is what makes IPAM survive a daemon restart.
/// </summary>
public sealed record EndpointRecord(string ContainerId, string NetworkId)
{
    /// <summary>A static address requested with <c>--ip</c>, or empty.</summary>
    public string RequestedIPv4 { get; init; } = "";

    /// <summary>A static IPv6 address requested with <c>--ip6</c>, or empty.</summary>
    public string RequestedIPv6 { get; init; } = "";

    /// <summary>A MAC address requested with <c>--mac-address</c>, or empty for the driver's choice.</summary>
    public string RequestedMacAddress { get; init; } = "";

    /// <summary>Extra names in the network (<c>--network-alias</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The live endpoint's id; empty while the container is not running.</summary>
    public string EndpointId { get; init; } = "";

    /// <summary>The allocated address in CIDR form, e.g. 172.17.0.2/16.</summary>
    public string IPv4Address { get; init; } = "";

    public string Gateway { get; init; } = "";

    /// <summary>The allocated IPv6 address in CIDR form (e.g. fd12:3456::2/64) on a network with IPv6, or empty.</summary>
    public string IPv6Address { get; init; } = "";

    public string IPv6Gateway { get; init; } = "";

    public string MacAddress { get; init; } = "";

    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    public bool Active => EndpointId.Length > 0;

    /// <summary>What the endpoint's driver is told about it: its addresses, MAC and published ports.</summary>
    public EndpointSpec ToSpec(string macAddress, IReadOnlyDictionary<PortMapping, System.Net.Sockets.Socket> reservedPortSockets) =>
        new(ContainerId, new Dictionary<string, string>())
        {
            IPv4Address = IPv4Address,
            Gateway = Gateway,
            IPv6Address = IPv6Address,
            IPv6Gateway = IPv6Gateway,
            MacAddress = macAddress,
            PortBindings = Ports,
            ReservedPortSockets = reservedPortSockets,
        };
}
