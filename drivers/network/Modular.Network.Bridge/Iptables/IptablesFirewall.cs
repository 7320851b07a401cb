using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// The iptables backend (daemon.json <c>firewall-backend: iptables</c>): each network's rules in chains of its own
/// (<see cref="IptablesChains"/>) hooked from the standard chains, written atomically per table with iptables-restore,
/// and the same in ip6tables for a network with IPv6 subnets. Isolation needs every network to know the others'
/// bridges, so applying or removing a network rewrites the forward chains of the networks this driver holds; bridges
/// of other daemons and engines are not isolated from (dockerd's iptables rules likewise isolate only its own networks).
/// </summary>
internal sealed class IptablesFirewall : IFirewallBackend
{
    private readonly object _lock = new();
    private readonly Dictionary<string, BridgeSettings> _networks = new(StringComparer.Ordinal);

    public IptablesFirewall()
    {
        if (!IptablesCommand.Installed)
        {
            throw DriverException.NotSupported("firewall-backend iptables: the iptables tools are not installed (iptables, iptables-save, iptables-restore)");
        }
    }

    public void Apply(BridgeSettings settings)
    {
        lock (_lock)
        {
            IptablesCleanup.Remove(new IptablesChains(settings.BridgeName));
            foreach (var family in FamiliesOf(settings))
            {
                var others = _networks.Values.Where(n => n.BridgeName != settings.BridgeName && FamiliesOf(n).Contains(family)).Select(n => n.BridgeName);
                IptablesCommand.Restore(family, IptablesRules.Nat(settings, family) + IptablesRules.Filter(settings, others, withHook: true));
            }
            _networks[settings.BridgeName] = settings;
            RewriteForwardChains(except: settings.BridgeName);
        }
    }

    public void Remove(BridgeSettings settings)
    {
        lock (_lock)
        {
            _networks.Remove(settings.BridgeName);
            IptablesCleanup.Remove(new IptablesChains(settings.BridgeName));
            RewriteForwardChains(except: settings.BridgeName);
        }
    }

    public void Publish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress) =>
        Add(IpFamily.V4, settings, ports, containerAddress);

    public void Unpublish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress) =>
        Delete(IpFamily.V4, settings, ports, containerAddress);

    public void PublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        Add(IpFamily.V6, settings, Ipv6Mapped(settings, ports, containerIPv6Address), containerIPv6Address);

    public void UnpublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        Delete(IpFamily.V6, settings, Ipv6Mapped(settings, ports, containerIPv6Address), containerIPv6Address);

    private static void Add(IpFamily family, BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress)
    {
        if (ports.Count == 0)
        {
            return;
        }
        var chain = new IptablesChains(settings.BridgeName).Dnat;
        var lines = ports.Select(p => $"-A {chain} {string.Join(' ', IptablesRules.Dnat(p, containerAddress))}");
        IptablesCommand.Restore(family, "*nat\n" + string.Join('\n', lines) + "\nCOMMIT\n");
    }

    private static void Delete(IpFamily family, BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress)
    {
        var chain = new IptablesChains(settings.BridgeName).Dnat;
        foreach (var port in ports)
        {
            try
            {
                IptablesCommand.Run(family, ["-t", "nat", "-D", chain, .. IptablesRules.Dnat(port, containerAddress)]);
            }
            catch (DriverException)
            {
                // Already gone, with the network's chain or by hand: the port is not forwarded either way.
            }
        }
    }

    // As with nftables: only mappings on IPv6 host addresses other than ::1, and only to a container with an IPv6
    // address on a network with IPv6 (there is no NAT from IPv6 to IPv4; a userland proxy serves those when it is on).
    private static IReadOnlyList<PortMapping> Ipv6Mapped(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address) =>
        containerIPv6Address.Length == 0 || settings.IPv6Subnets.Count == 0 ? []
            : ports.Where(p => Ipv6Bridge.IsIPv6(p) && p.HostIp != "::1").ToList();

    private static IReadOnlyList<IpFamily> FamiliesOf(BridgeSettings settings) =>
        settings.IPv6Subnets.Count > 0 ? [IpFamily.V4, IpFamily.V6] : [IpFamily.V4];

    private void RewriteForwardChains(string except)
    {
        foreach (var network in _networks.Values.Where(n => n.BridgeName != except))
        {
            foreach (var family in FamiliesOf(network))
            {
                var others = _networks.Values.Where(n => n.BridgeName != network.BridgeName && FamiliesOf(n).Contains(family)).Select(n => n.BridgeName);
                IptablesCommand.Restore(family, IptablesRules.Filter(network, others, withHook: false));
            }
        }
    }
}
