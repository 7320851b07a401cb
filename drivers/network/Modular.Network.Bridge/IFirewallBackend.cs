using Modular.Sdk.Network;

namespace Modular.Network.Bridge;

/// <summary>
/// Where a bridge network's host firewall rules live: outbound masquerade, isolation from the other bridge networks,
/// <c>--internal</c>, forwarding accepted to and from the bridge, published ports as DNAT, and (without a userland proxy)
/// the loopback and hairpin NAT that lets 127.0.0.1 and the containers themselves reach published ports. Chosen by
/// daemon.json's <c>firewall-backend</c>: <see cref="NftRuleset"/> or <see cref="Iptables.IptablesFirewall"/>.
/// </summary>
internal interface IFirewallBackend
{
    /// <summary>(Re)creates the network's rules, IPv6 ones included; whatever an earlier daemon left for the same bridge is replaced.</summary>
    void Apply(BridgeSettings settings);

    /// <summary>Removes every rule of the network; a network without rules is not an error.</summary>
    void Remove(BridgeSettings settings);

    /// <summary>Forwards the published host ports to <paramref name="containerAddress"/>.</summary>
    void Publish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress);

    /// <summary>Stops forwarding the published host ports to <paramref name="containerAddress"/>.</summary>
    void Unpublish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress);

    /// <summary>
    /// Forwards the ports published on IPv6 host addresses (other than <c>::1</c>, which only a proxy serves) to the
    /// container's IPv6 address; nothing when the network or the container has no IPv6.
    /// </summary>
    void PublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address);

    /// <summary>Stops what <see cref="PublishIPv6"/> forwarded.</summary>
    void UnpublishIPv6(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerIPv6Address);
}
