namespace Modular.Sdk.Network;

/// <summary>Which network namespace a container joined to this driver's networks uses.</summary>
public enum SandboxKind
{
    /// <summary>The container shares the host's network namespace (the <c>host</c> driver).</summary>
    Host,
    /// <summary>The container gets a namespace of its own that the driver plumbs into.</summary>
    Private,
}

/// <summary>What a network driver declares about itself.</summary>
/// <param name="Sandbox">Whether containers get a private network namespace.</param>
/// <param name="Scope"><c>local</c> or <c>global</c>, as shown by <c>docker network ls</c>.</param>
/// <param name="UserDefinable">Whether users may create networks with this driver (<c>none</c> and <c>host</c> may not).</param>
public sealed record NetworkCapabilities(SandboxKind Sandbox, string Scope = "local", bool UserDefinable = true)
{
    /// <summary>Whether the driver programs the host ports of <see cref="EndpointSpec.PortBindings"/> (e.g. DNAT rules).</summary>
    public bool PublishesPorts { get; init; }

    /// <summary>Whether the kernel must allocate addresses (IPAM) for the driver's networks and endpoints.</summary>
    public bool NeedsAddresses { get; init; }

    /// <summary>
    /// Whether the driver plumbs IPv6 (<see cref="NetworkSpec.IPv6Subnets"/>, <see cref="EndpointSpec.IPv6Address"/>);
    /// the kernel refuses <c>--ipv6</c> networks for drivers without it.
    /// </summary>
    public bool SupportsIPv6 { get; init; }

    /// <summary>
    /// Whether <see cref="INetworkDriver.Join"/> changes the container's network namespace (links, addresses, routes),
    /// which must then be done before the container's process runs. A driver declaring false is joined just after
    /// the process started, which lets the kernel create and start the container with one runtime call.
    /// </summary>
    public bool ChangesSandbox { get; init; } = true;
}

/// <summary>One subnet of a network (IPv4 in <see cref="NetworkSpec.Subnets"/>, IPv6 in <see cref="NetworkSpec.IPv6Subnets"/>), as the kernel's IPAM settled it.</summary>
/// <param name="Subnet">The subnet in CIDR form, e.g. <c>172.18.0.0/16</c> or <c>fd12:3456::/64</c>.</param>
/// <param name="Gateway">The gateway address without prefix length, e.g. <c>172.18.0.1</c>; the driver assigns it to the host side.</param>
public sealed record NetworkSubnet(string Subnet, string Gateway);

/// <summary>A published port as the kernel reserved it on the host: traffic to HostIp:HostPort goes to ContainerPort.</summary>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</param>
/// <param name="HostIp">The host address, or <c>0.0.0.0</c> for every address of the host.</param>
/// <param name="HostPort">The host port; never 0 here (the kernel has picked an ephemeral one).</param>
/// <param name="ContainerPort">The port inside the container.</param>
public sealed record PortMapping(string Protocol, string HostIp, int HostPort, int ContainerPort);

/// <summary>A network as the kernel asks the driver to create it.</summary>
/// <param name="Id">The network's 64-hex id.</param>
/// <param name="Name">The network's user-facing name.</param>
/// <param name="Options">Driver options (<c>-o key=value</c>).</param>
public sealed record NetworkSpec(string Id, string Name, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>The IPv4 subnets with their gateways (empty for drivers that do not need addresses).</summary>
    public IReadOnlyList<NetworkSubnet> Subnets { get; init; } = [];

    /// <summary>
    /// The IPv6 subnets with their gateways of a network created with <c>--ipv6</c>; empty otherwise. Only drivers whose
    /// capabilities declare <see cref="NetworkCapabilities.SupportsIPv6"/> get any.
    /// </summary>
    public IReadOnlyList<NetworkSubnet> IPv6Subnets { get; init; } = [];

    /// <summary>An internal network: no traffic to or from outside the network (<c>--internal</c>).</summary>
    public bool Internal { get; init; }

    /// <summary>The daemon's default network (<c>bridge</c>), whose host interface name comes from the daemon's configuration.</summary>
    public bool IsDefault { get; init; }
}

/// <summary>What the kernel asks of an endpoint.</summary>
/// <param name="ContainerId">The container the endpoint belongs to.</param>
/// <param name="Options">Endpoint driver options.</param>
public sealed record EndpointSpec(string ContainerId, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>The address the kernel's IPAM allocated, in CIDR form (e.g. <c>172.17.0.2/16</c>), or empty.</summary>
    public string IPv4Address { get; init; } = "";

    /// <summary>The gateway the container's default route goes through, or empty for no default route.</summary>
    public string Gateway { get; init; } = "";

    /// <summary>The IPv6 address the kernel's IPAM allocated, in CIDR form (e.g. <c>fd12:3456::2/64</c>), or empty.</summary>
    public string IPv6Address { get; init; } = "";

    /// <summary>The IPv6 gateway the container's default IPv6 route goes through, or empty for no such route.</summary>
    public string IPv6Gateway { get; init; } = "";

    /// <summary>The MAC address the container's interface gets, or empty to let the driver choose.</summary>
    public string MacAddress { get; init; } = "";

    /// <summary>Host ports to forward to the container, already reserved by the kernel; only for drivers whose capabilities publish ports.</summary>
    public IReadOnlyList<PortMapping> PortBindings { get; init; } = [];

    /// <summary>
    /// The sockets by which the kernel reserves <see cref="PortBindings"/>: bound to HostIp:HostPort (and listening, for
    /// tcp). A driver that serves published ports in user space (a userland proxy) accepts and receives on these
    /// instead of binding the ports again, as dockerd hands its bound sockets to docker-proxy; it stops using them in
    /// <see cref="INetworkDriver.Leave"/>, and the kernel closes them when it releases the ports. Empty when the kernel
    /// reserved nothing, e.g. in a driver's conformance run.
    /// </summary>
    public IReadOnlyDictionary<PortMapping, System.Net.Sockets.Socket> ReservedPortSockets { get; init; } =
        new Dictionary<PortMapping, System.Net.Sockets.Socket>();
}

/// <summary>What the driver allocated for an endpoint; empty for drivers that configure nothing.</summary>
/// <param name="IPv4Address">The address in CIDR form, or empty.</param>
/// <param name="Gateway">The IPv4 gateway, or empty.</param>
/// <param name="MacAddress">The interface's MAC address, or empty.</param>
public sealed record EndpointInfo(string IPv4Address = "", string Gateway = "", string MacAddress = "");
