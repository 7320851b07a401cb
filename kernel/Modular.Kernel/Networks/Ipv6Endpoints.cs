using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>
/// The IPv6 side of an endpoint on a network with <c>--ipv6</c>: <c>--ip6</c> checked as dockerd 28 checks it
/// (EndpointIPAMConfig.Validate and IsInRange), and the address handed out: the requested one, or the first free one of
/// the network's IPv6 pools. Addresses in use are those of the network's live endpoints, so a released endpoint's
/// address is free again, and a daemon restart finds the allocation in the endpoint store.
/// </summary>
public static class Ipv6Endpoints
{
    /// <summary>Checks a requested <c>--ip6</c> against the network; returns it as given, or empty when none was asked.</summary>
    public static string ValidateRequested(NetworkRecord network, string? requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return "";
        }
        if (Ipv6Subnet.TryParseAddress(requested) is not { } address || address == UInt128.Zero)
        {
            throw Invalid(network, $"invalid IPv6 address: {requested}");
        }
        var pools = network.Ipam.Where(p => p.IsIPv6 && !p.Dynamic).ToList();
        if (network.IsDefault || !network.EnableIPv6 || pools.Count == 0)
        {
            throw Invalid(network, "user specified IP address is supported only when connecting to networks with user configured subnets");
        }
        if (!pools.Any(p => InRange(p, address)))
        {
            throw Invalid(network, $"no configured subnet or ip-range contain the IP address {requested}");
        }
        return requested;
    }

    /// <summary>The endpoint's IPv6 address (CIDR form) and gateway; empty on a network without IPv6.</summary>
    public static (string Address, string Gateway) Allocate(NetworkRecord network, EndpointRecord record, IEnumerable<EndpointRecord> onNetwork)
    {
        var pools = network.EnableIPv6 ? network.Ipam.Where(p => p.IsIPv6).ToList() : [];
        if (pools.Count == 0)
        {
            return ("", "");
        }
        var inUse = onNetwork.Where(e => e.Active && e.ContainerId != record.ContainerId && e.IPv6Address.Length > 0)
            .Select(e => Ipv6Subnet.ParseAddress(e.IPv6Address.Split('/')[0], "endpoint")).ToHashSet();
        if (record.RequestedIPv6.Length > 0)
        {
            var wanted = Ipv6Subnet.ParseAddress(record.RequestedIPv6, "IPv6");
            var pool = pools.FirstOrDefault(p => InRange(p, wanted))
                ?? throw DriverException.InvalidArgument($"no configured subnet or ip-range contain the IP address {record.RequestedIPv6}");
            if (inUse.Contains(wanted) || Ipv6Subnet.ParseAddress(pool.Gateway, "gateway") == wanted)
            {
                throw DriverException.Conflict("Address already in use");
            }
            return ($"{Ipv6Subnet.Format(wanted)}/{pool.ParsedIPv6Subnet.PrefixLength}", pool.Gateway);
        }
        foreach (var pool in pools)
        {
            // A /64 has more candidates than can ever be in use: the first free one is found after at most inUse+1 steps.
            foreach (var candidate in pool.IPv6Candidates())
            {
                if (!inUse.Contains(candidate))
                {
                    return ($"{Ipv6Subnet.Format(candidate)}/{pool.ParsedIPv6Subnet.PrefixLength}", pool.Gateway);
                }
            }
        }
        throw new DriverException(DriverErrorKind.Unavailable, $"no available IPv6 addresses on this network's address pools: {network.Name} ({network.Id})");
    }

    private static bool InRange(IpamPool pool, UInt128 address) =>
        (pool.IPRange.Length > 0 ? Ipv6Subnet.TryParse(pool.IPRange)!.Value : pool.ParsedIPv6Subnet).Contains(address);

    private static DriverException Invalid(NetworkRecord network, string problem) =>
        DriverException.InvalidArgument($"invalid config for network {network.Name}: invalid endpoint settings:\n{problem}");
}
