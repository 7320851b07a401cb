using System.Text;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge;

/// <summary>
/// A bridge network's nftables rules, in a table of its own (<c>inet modular-&lt;bridge&gt;</c>: NAT, published ports and
/// isolation between bridges, IPv4 and IPv6 in one table), so networks, and daemons, never touch
/// each other's rules and removing a network is one table deletion. Published ports are elements of two maps (any host
/// address / one host address), added and removed without rewriting any rule.
/// </summary>
internal sealed class NftRuleset : IFirewallBackend
{
    private const string AnyAddressMap = "published";
    private const string OneAddressMap = "published_on";

    /// <summary>(Re)creates the network's tables atomically: whatever an earlier daemon left in them is replaced.</summary>
    public void Apply(BridgeSettings settings)
    {
        var table = settings.TableName;
        var bridge = settings.BridgeName;
        var script = new StringBuilder();
        // Daemons before the inet family kept the (IPv4-only) rules in an ip table of the same name: it goes too.
        script.AppendLine($"table ip {table}");
        script.AppendLine($"delete table ip {table}");
        script.AppendLine($"table inet {table}");
        script.AppendLine($"delete table inet {table}");
        script.AppendLine($"table inet {table} {{");
        script.AppendLine($"  map {AnyAddressMap} {{ type inet_proto . inet_service : ipv4_addr . inet_service; }}");
        script.AppendLine($"  map {OneAddressMap} {{ type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }}");
        script.AppendLine("  chain publish {");
        script.AppendLine($"    dnat ip to ip daddr . meta l4proto . th dport map @{OneAddressMap}");
        script.AppendLine($"    meta nfproto ipv4 dnat ip to meta l4proto . th dport map @{AnyAddressMap}");
        script.AppendLine("  }");
        // With a userland proxy (as dockerd's rules then): same-bridge and loopback clients are left to the proxy.
        var fromOutside = settings.UserlandProxy ? $"iifname != \"{bridge}\" " : "";
        var notLoopback = settings.UserlandProxy ? "ip daddr != 127.0.0.0/8 " : "";
        script.AppendLine($"  chain prerouting {{ type nat hook prerouting priority dstnat; policy accept; {fromOutside}fib daddr type local jump publish; }}");
        script.AppendLine($"  chain output {{ type nat hook output priority -100; policy accept; {notLoopback}fib daddr type local jump publish; }}");
        script.AppendLine("  chain postrouting {");
        script.AppendLine("    type nat hook postrouting priority srcnat; policy accept;");
        if (!settings.UserlandProxy)
        {
            // Host-local clients of a published port (127.0.0.1) must look like the gateway to the container.
            script.AppendLine($"    oifname \"{bridge}\" ip saddr 127.0.0.0/8 masquerade");
            // Hairpin: a container reaching its own or a sibling's published port through a host address is DNATed back
            // into the bridge; without a new source the reply would go straight container to container (or to itself)
            // and miss the reverse translation, so the connection would never establish.
            foreach (var subnet in settings.Subnets)
            {
                script.AppendLine($"    oifname \"{bridge}\" ip saddr {subnet.Subnet} ct status dnat masquerade");
            }
        }
        if (settings.Masquerade && !settings.Internal)
        {
            foreach (var subnet in settings.Subnets)
            {
                script.AppendLine($"    ip saddr {subnet.Subnet} oifname != \"{bridge}\" masquerade");
            }
        }
        script.AppendLine("  }");
        script.AppendLine("  chain forward {");
        script.AppendLine("    type filter hook forward priority filter; policy accept;");
        // Isolation between bridge networks (ours and other engines' alike), in both directions.
        script.AppendLine($"    iifname \"{bridge}\" meta oifkind \"bridge\" oifname != \"{bridge}\" drop");
        script.AppendLine($"    oifname \"{bridge}\" meta iifkind \"bridge\" iifname != \"{bridge}\" drop");
        if (settings.Internal)
        {
            script.AppendLine($"    iifname \"{bridge}\" oifname != \"{bridge}\" drop");
            script.AppendLine($"    oifname \"{bridge}\" iifname != \"{bridge}\" drop");
        }
        script.AppendLine("  }");
        script.AppendLine("}");

        Run(script.ToString());
        Ipv6Bridge.ApplyRules(settings);
    }

    public void Remove(BridgeSettings settings) =>
        Run($"table inet {settings.TableName}\ndelete table inet {settings.TableName}\ntable ip {settings.TableName}\ndelete table ip {settings.TableName}\n");

    public void Publish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress) =>
        ChangePorts("add", settings, ports, containerAddress);

    public void Unpublish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress) =>
        ChangePorts("delete", settings, ports, containerAddress);

    public void PublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        Ipv6Bridge.Publish(settings, ports, containerIPv6Address);

    public void UnpublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        Ipv6Bridge.Unpublish(settings, ports, containerIPv6Address);

    private static void ChangePorts(string verb, BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress)
    {
        if (ports.Count == 0)
        {
            return;
        }
        var script = new StringBuilder();
        foreach (var port in ports)
        {
            var target = $"{containerAddress} . {port.ContainerPort}";
            if (port.HostIp is "" or "0.0.0.0")
            {
                script.AppendLine($"{verb} element inet {settings.TableName} {AnyAddressMap} {{ {port.Protocol} . {port.HostPort} : {target} }}");
            }
            else
            {
                script.AppendLine($"{verb} element inet {settings.TableName} {OneAddressMap} {{ {port.HostIp} . {port.Protocol} . {port.HostPort} : {target} }}");
            }
        }
        Run(script.ToString());
    }

    private static void Run(string script) => HostCommand.Run("nft", ["-f", "-"], script);
}
