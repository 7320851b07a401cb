using Modular.Kernel.Configuration;

namespace Modular.Kernel.Networks;

/// <summary>
/// The candidate subnets for networks created without <c>--subnet</c>: daemon.json's <c>default-address-pools</c> in
/// order (each base cut into <c>/size</c> pieces), per family; a family none of the configured pools covers keeps
/// Docker's built-in pools (IPv4) or the ULA pool derived from the engine ID (IPv6), as dockerd 28 adds it.
/// </summary>
public static class IpamDefaultPools
{
    public static IEnumerable<Ipv4Subnet> Candidates(IReadOnlyList<DefaultAddressPool> configured)
    {
        var ipv4 = configured.Where(p => !Ipv6Subnet.IsIPv6Text(p.Base)).ToList();
        return ipv4.Count == 0 ? IpamPlanner.DefaultPools() : ipv4.SelectMany(Split);
    }

    public static IEnumerable<Ipv6Subnet> IPv6Candidates(IReadOnlyList<DefaultAddressPool> configured, string engineId)
    {
        var ipv6 = configured.Where(p => Ipv6Subnet.IsIPv6Text(p.Base)).ToList();
        return ipv6.Count == 0 ? Ipv6IpamPlanner.DefaultPools(engineId) : ipv6.SelectMany(SplitIPv6);
    }

    private static IEnumerable<Ipv6Subnet> SplitIPv6(DefaultAddressPool pool)
    {
        var baseSubnet = Ipv6Subnet.TryParse(pool.Base)!.Value.Masked();
        var step = UInt128.One << (128 - pool.Size);
        for (var network = baseSubnet.Network; network >= baseSubnet.Network && network <= baseSubnet.Last; network += step)
        {
            yield return new Ipv6Subnet(network, pool.Size);
            if (UInt128.MaxValue - network < step)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<Ipv4Subnet> Split(DefaultAddressPool pool)
    {
        var baseSubnet = Ipv4Subnet.Parse(pool.Base);
        var step = 1UL << (32 - pool.Size);
        for (ulong network = baseSubnet.Network; network <= baseSubnet.Broadcast; network += step)
        {
            yield return new Ipv4Subnet((uint)network, pool.Size);
        }
    }
}
