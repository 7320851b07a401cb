using Modular.Kernel.Configuration;

namespace Modular.Kernel.Networks;

/// <summary>
/// The candidate subnets for networks created without <c>--subnet</c>: daemon.json's <c>default-address-pools</c> in
/// order (each base cut into <c>/size</c> pieces), or Docker's built-in pools when none are configured.
/// </summary>
public static class IpamDefaultPools
{
    public static IEnumerable<Ipv4Subnet> Candidates(IReadOnlyList<DefaultAddressPool> configured) =>
        configured.Count == 0 ? IpamPlanner.DefaultPools() : configured.SelectMany(Split);

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
