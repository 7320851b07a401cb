using System.Text;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// The iptables-restore input of a bridge network, the same rules <see cref="NftRuleset"/> writes in nftables terms:
/// the nat chains with their hooks from PREROUTING/OUTPUT/POSTROUTING, the forward chain hooked from FORWARD, and one
/// DNAT rule per published port. Text only: <see cref="IptablesFirewall"/> runs it.
/// </summary>
internal static class IptablesRules
{
    /// <summary>
    /// The nat table of one family: declaring a chain (re)creates it empty, then the hooks and the NAT rules follow.
    /// IPv6 has no <c>route_localnet</c>, so <c>::1</c> is never DNATed (a proxy on the held socket serves it).
    /// </summary>
    public static string Nat(BridgeSettings settings, IpFamily family)
    {
        var chains = new IptablesChains(settings.BridgeName);
        var bridge = settings.BridgeName;
        var v6 = family == IpFamily.V6;
        var subnets = v6 ? settings.IPv6Subnets : settings.Subnets;
        var script = new StringBuilder();
        script.AppendLine("*nat");
        script.AppendLine($":{chains.Dnat} - [0:0]");
        script.AppendLine($":{chains.Postrouting} - [0:0]");
        script.AppendLine($"-A PREROUTING -m addrtype --dst-type LOCAL -j {chains.Dnat}");
        // With a userland proxy (as dockerd's rules then): loopback clients are left to the proxy...
        var notLoopback = v6 ? "! -d ::1/128 " : settings.UserlandProxy ? "! -d 127.0.0.0/8 " : "";
        script.AppendLine($"-A OUTPUT {notLoopback}-m addrtype --dst-type LOCAL -j {chains.Dnat}");
        script.AppendLine($"-A POSTROUTING -j {chains.Postrouting}");
        if (settings.UserlandProxy)
        {
            // ...and so are containers of the bridge reaching a published port through a host address.
            script.AppendLine($"-A {chains.Dnat} -i {bridge} -j RETURN");
        }
        else
        {
            if (!v6)
            {
                // Host-local clients of a published port (127.0.0.1) must look like the gateway to the container.
                script.AppendLine($"-A {chains.Postrouting} -o {bridge} -s 127.0.0.0/8 -j MASQUERADE");
            }
            // Hairpin: a connection DNATed from the bridge back into it needs a new source, or the reply would skip the
            // reverse translation.
            foreach (var subnet in subnets)
            {
                script.AppendLine($"-A {chains.Postrouting} -o {bridge} -s {subnet.Subnet} -m conntrack --ctstate DNAT -j MASQUERADE");
            }
        }
        if (settings.Masquerade && !settings.Internal)
        {
            foreach (var subnet in subnets)
            {
                script.AppendLine($"-A {chains.Postrouting} -s {subnet.Subnet} ! -o {bridge} -j MASQUERADE");
            }
        }
        script.AppendLine("COMMIT");
        return script.ToString();
    }

    /// <summary>
    /// The filter table: the forward chain, isolated from <paramref name="otherBridges"/> in both directions before any
    /// accept (whichever network's chain a packet meets first drops it), then what the network lets through.
    /// </summary>
    public static string Filter(BridgeSettings settings, IEnumerable<string> otherBridges, bool withHook)
    {
        var chain = new IptablesChains(settings.BridgeName).Forward;
        var bridge = settings.BridgeName;
        var script = new StringBuilder();
        script.AppendLine("*filter");
        script.AppendLine($":{chain} - [0:0]");
        if (withHook)
        {
            // First in FORWARD, so another firewall's DROP policy or rules cannot shadow the bridge's own verdicts.
            script.AppendLine($"-I FORWARD 1 -j {chain}");
        }
        foreach (var other in otherBridges)
        {
            script.AppendLine($"-A {chain} -i {bridge} -o {other} -j DROP");
            script.AppendLine($"-A {chain} -i {other} -o {bridge} -j DROP");
        }
        if (settings.Internal)
        {
            script.AppendLine($"-A {chain} -i {bridge} ! -o {bridge} -j DROP");
            script.AppendLine($"-A {chain} -o {bridge} ! -i {bridge} -j DROP");
            script.AppendLine($"-A {chain} -i {bridge} -o {bridge} -j ACCEPT");
        }
        else
        {
            script.AppendLine($"-A {chain} -o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
            script.AppendLine($"-A {chain} -o {bridge} -m conntrack --ctstate DNAT -j ACCEPT");
            script.AppendLine($"-A {chain} -i {bridge} -j ACCEPT");
        }
        script.AppendLine("COMMIT");
        return script.ToString();
    }

    /// <summary>The rule (after <c>-A/-D chain</c>) that forwards one published port to the container.</summary>
    public static IReadOnlyList<string> Dnat(PortMapping port, string containerAddress)
    {
        var v6 = containerAddress.Contains(':', StringComparison.Ordinal);
        var rule = new List<string>();
        if (port.HostIp is not ("" or "0.0.0.0" or "::"))
        {
            rule.AddRange(["-d", port.HostIp + (v6 ? "/128" : "/32")]);
        }
        rule.AddRange(["-p", port.Protocol, "-m", port.Protocol, "--dport", port.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-j", "DNAT", "--to-destination", v6 ? $"[{containerAddress}]:{port.ContainerPort}" : $"{containerAddress}:{port.ContainerPort}"]);
        return rule;
    }
}
