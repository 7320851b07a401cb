using System.Net;
using System.Net.Sockets;
using System.Text;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge;

/// <summary>
/// The IPv6 side of a bridge network created with <c>--ipv6</c>, beside the IPv4 plumbing: the gateway address on the
/// bridge, the container's address and default route, IPv6 forwarding, and in the network's <c>inet</c> table masquerade
/// of the subnet's egress (NAT66, as dockerd's ip6tables rules for a ULA subnet) and DNAT of ports published on IPv6
/// host addresses. Addresses are added with <c>nodad</c>: nothing else on the bridge can hold them (the kernel's IPAM
/// hands each out once), and duplicate address detection would leave them unusable for a second after start.
/// <para>The loopback address <c>::1</c> is never DNATed: Linux has no IPv6 <c>route_localnet</c>, so a reply to ::1
/// arriving from the bridge is dropped; such ports are served by a proxy on the port's held socket, as docker-proxy serves
/// them (with or without <c>userland-proxy</c>).</para>
/// </summary>
internal static class Ipv6Bridge
{
    private const string AnyAddressMap = "published6";
    private const string OneAddressMap = "published6_on";

    public static IReadOnlyList<NetworkSubnet> Validate(IReadOnlyList<NetworkSubnet> subnets)
    {
        foreach (var subnet in subnets)
        {
            if (!IPNetwork.TryParse(subnet.Subnet, out var parsed) || parsed.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6
                || !IPAddress.TryParse(subnet.Gateway, out var gateway) || !parsed.Contains(gateway))
            {
                throw DriverException.InvalidArgument($"bridge driver: \"{subnet.Subnet}\" (gateway \"{subnet.Gateway}\") is not an IPv6 subnet with its gateway");
            }
        }
        return subnets;
    }

    public static bool IsIPv6(PortMapping port) => port.HostIp.Contains(':', StringComparison.Ordinal);

    /// <summary>The mappings on IPv4 host addresses, the only ones an IPv4 firewall backend is given.</summary>
    public static IReadOnlyList<PortMapping> IPv4Only(IReadOnlyList<PortMapping> ports) =>
        ports.Any(IsIPv6) ? ports.Where(p => !IsIPv6(p)).ToList() : ports;

    /// <summary>The mappings on <c>[::1]</c>, which only a proxy on the held socket can serve.</summary>
    public static IReadOnlyList<PortMapping> LoopbackMappings(IReadOnlyList<PortMapping> ports) =>
        ports.Where(p => p.HostIp == "::1").ToList();

    /// <summary>Where a proxy for <c>[::1]</c> forwards: the container's IPv6 address, else its IPv4 one (as docker-proxy).</summary>
    public static string LoopbackTarget(EndpointSpec spec) =>
        (spec.IPv6Address.Length > 0 ? spec.IPv6Address : spec.IPv4Address).Split('/')[0];

    public static void ConfigureBridge(BridgeSettings settings)
    {
        if (settings.IPv6Subnets.Count == 0)
        {
            return;
        }
        WriteSysctl($"/proc/sys/net/ipv6/conf/{settings.BridgeName}/disable_ipv6", "0");
        var batch = settings.IPv6Subnets
            .Select(s => $"addr replace {s.Gateway}/{s.Subnet.Split('/')[1]} dev {settings.BridgeName} nodad")
            .ToList();
        HostCommand.Run("ip", ["-batch", "-"], string.Join('\n', batch) + "\n");
        WriteSysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
    }

    /// <summary>The container end's IPv6 address and, unless the network is internal, its default IPv6 route.</summary>
    public static void ConfigureSandbox(BridgeSettings settings, string sandboxKey, string interfaceName, EndpointSpec spec)
    {
        if (spec.IPv6Address.Length == 0)
        {
            return;
        }
        var inside = new List<string> { $"addr add {spec.IPv6Address} dev {interfaceName} nodad" };
        if (spec.IPv6Gateway.Length > 0 && !settings.Internal)
        {
            inside.Add($"route replace default via {spec.IPv6Gateway} dev {interfaceName}");
        }
        HostCommand.Run("nsenter", [$"--net={sandboxKey}", "ip", "-batch", "-"], string.Join('\n', inside) + "\n");
    }

    /// <summary>Adds the IPv6 maps and rules to the network's freshly applied <c>inet</c> table.</summary>
    public static void ApplyRules(BridgeSettings settings)
    {
        if (settings.IPv6Subnets.Count == 0)
        {
            return;
        }
        var table = $"inet {settings.TableName}";
        var bridge = settings.BridgeName;
        try
        {
            HostCommand.Run("nft", ["list", "chain", "inet", settings.TableName, "publish"]);
        }
        catch (DriverException)
        {
            throw DriverException.InvalidArgument("IPv6 bridge networks need the nftables firewall backend (their rules live in the network's inet table)");
        }
        var script = new StringBuilder();
        script.AppendLine($"add map {table} {AnyAddressMap} {{ type inet_proto . inet_service : ipv6_addr . inet_service; }}");
        script.AppendLine($"add map {table} {OneAddressMap} {{ type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service; }}");
        script.AppendLine($"add rule {table} publish meta nfproto ipv6 ip6 daddr != ::1 dnat ip6 to ip6 daddr . meta l4proto . th dport map @{OneAddressMap}");
        script.AppendLine($"add rule {table} publish meta nfproto ipv6 ip6 daddr != ::1 dnat ip6 to meta l4proto . th dport map @{AnyAddressMap}");
        foreach (var subnet in settings.IPv6Subnets)
        {
            // Hairpin, as for IPv4: a container reaching a published port through a host address is sent back into the bridge.
            script.AppendLine($"add rule {table} postrouting oifname \"{bridge}\" ip6 saddr {subnet.Subnet} ct status dnat masquerade");
            if (settings.Masquerade && !settings.Internal)
            {
                script.AppendLine($"add rule {table} postrouting ip6 saddr {subnet.Subnet} oifname != \"{bridge}\" masquerade");
            }
        }
        HostCommand.Run("nft", ["-f", "-"], script.ToString());
    }

    public static void Publish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        ChangePorts("add", settings, ports, containerIPv6Address);

    public static void Unpublish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        ChangePorts("delete", settings, ports, containerIPv6Address);

    // Only mappings on IPv6 host addresses, and only to a container that has an IPv6 address: there is no NAT from
    // IPv6 to IPv4 (a userland proxy serves those when it is on).
    private static void ChangePorts(string verb, BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address)
    {
        var mapped = ports.Where(p => IsIPv6(p) && p.HostIp != "::1").ToList();
        if (mapped.Count == 0 || containerIPv6Address.Length == 0 || settings.IPv6Subnets.Count == 0)
        {
            return;
        }
        var script = new StringBuilder();
        foreach (var port in mapped)
        {
            var target = $"{containerIPv6Address} . {port.ContainerPort}";
            script.AppendLine(port.HostIp == "::"
                ? $"{verb} element inet {settings.TableName} {AnyAddressMap} {{ {port.Protocol} . {port.HostPort} : {target} }}"
                : $"{verb} element inet {settings.TableName} {OneAddressMap} {{ {port.HostIp} . {port.Protocol} . {port.HostPort} : {target} }}");
        }
        HostCommand.Run("nft", ["-f", "-"], script.ToString());
    }

    private static void WriteSysctl(string path, string value)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() != value)
        {
            File.WriteAllText(path, value);
        }
    }
}
