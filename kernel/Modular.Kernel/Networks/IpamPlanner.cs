using System.Globalization;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>
/// Settles a new network's IPv4 pools (IPv6 ones: <see cref="Ipv6IpamPlanner"/>): the requested ones checked as dockerd checks them, or the first default pool
/// that overlaps neither another network nor a route of the host (skipped pools are logged).
/// </summary>
public static class IpamPlanner
{
    /// <summary>Docker's default-address-pools: 172.17-172.31.0.0/16, then 192.168.0.0/16 in /20 pieces.</summary>
    public static IEnumerable<Ipv4Subnet> DefaultPools()
    {
        for (uint second = 17; second <= 31; second++)
        {
            yield return new Ipv4Subnet((172u << 24) | (second << 16), 16);
        }
        for (uint third = 0; third < 256; third += 16)
        {
            yield return new Ipv4Subnet((192u << 24) | (168u << 16) | (third << 8), 20);
        }
    }

    public static IReadOnlyList<IpamPool> Plan(IReadOnlyList<IpamConfig>? requested, IReadOnlyList<Ipv4Subnet> taken,
        IReadOnlyList<Ipv4Subnet> hostRoutes, Action<string> log) => Plan(requested, taken, hostRoutes, log, DefaultPools());

    /// <param name="defaults">Where a network without a requested subnet gets one (see <see cref="IpamDefaultPools"/>).</param>
    public static IReadOnlyList<IpamPool> Plan(IReadOnlyList<IpamConfig>? requested, IReadOnlyList<Ipv4Subnet> taken,
        IReadOnlyList<Ipv4Subnet> hostRoutes, Action<string> log, IEnumerable<Ipv4Subnet> defaults)
    {
        if (requested is null || requested.Count == 0 || requested.All(c => string.IsNullOrEmpty(c.Subnet) && string.IsNullOrEmpty(c.Gateway)))
        {
            var free = SubnetPools.FirstFree(defaults, taken, hostRoutes, log)
                ?? throw new DriverException(DriverErrorKind.Forbidden, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
            return [new IpamPool(free.ToString(), Ipv4Subnet.Format(free.Network + 1))];
        }
        var pools = new List<IpamPool>();
        foreach (var config in requested)
        {
            if (string.IsNullOrEmpty(config.Subnet))
            {
                throw DriverException.InvalidArgument("every ip-range or gateway must have a corresponding subnet");
            }
            var subnet = Ipv4Subnet.Parse(config.Subnet);
            if (subnet.ToString() != config.Subnet)
            {
                throw DriverException.InvalidArgument($"invalid subnet {config.Subnet}: it should be {subnet}");
            }
            if (taken.Concat(pools.Select(p => p.ParsedSubnet)).Any(subnet.Overlaps))
            {
                throw new DriverException(DriverErrorKind.Forbidden, "invalid pool request: Pool overlaps with other one on this address space");
            }
            var gateway = string.IsNullOrEmpty(config.Gateway) ? subnet.Network + 1 : Ipv4Subnet.ParseAddress(config.Gateway, "gateway");
            if (!subnet.Contains(gateway))
            {
                throw DriverException.InvalidArgument($"no matching subnet for gateway {config.Gateway}");
            }
            if (!string.IsNullOrEmpty(config.IPRange))
            {
                var range = Ipv4Subnet.Parse(config.IPRange);
                if (!subnet.Contains(range.Network) || range.PrefixLength < subnet.PrefixLength)
                {
                    throw DriverException.InvalidArgument($"no matching subnet for range {config.IPRange}");
                }
            }
            foreach (var (name, address) in config.AuxiliaryAddresses ?? new Dictionary<string, string>())
            {
                if (!subnet.Contains(Ipv4Subnet.ParseAddress(address, "aux")))
                {
                    throw DriverException.InvalidArgument($"no matching subnet for aux-address {address} ({name})");
                }
            }
            pools.Add(new IpamPool(subnet.ToString(), Ipv4Subnet.Format(gateway), config.IPRange ?? "", config.AuxiliaryAddresses));
        }
        return pools;
    }

    /// <summary>The daemon's <c>bip</c> (gateway address with prefix, e.g. 10.200.0.1/24) as the default bridge's pool.</summary>
    public static IpamPool FromBip(string bip)
    {
        var slash = bip.IndexOf('/');
        var gateway = Ipv4Subnet.ParseAddress(bip[..slash], "bip");
        var subnet = Ipv4Subnet.Parse(bip);
        return new IpamPool(subnet.ToString(), Ipv4Subnet.Format(gateway));
    }

    /// <summary>The host's IPv4 routes (except default routes and routes through the given devices), from /proc/net/route.</summary>
    public static IReadOnlyList<Ipv4Subnet> HostRoutes(IReadOnlySet<string> exceptDevices)
    {
        if (!File.Exists("/proc/net/route"))
        {
            return [];
        }
        var routes = new List<Ipv4Subnet>();
        foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8 || exceptDevices.Contains(fields[0]))
            {
                continue;
            }
            // Little-endian hex, as the kernel prints them.
            var destination = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(uint.Parse(fields[1], NumberStyles.HexNumber));
            var mask = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(uint.Parse(fields[7], NumberStyles.HexNumber));
            var prefix = System.Numerics.BitOperations.PopCount(mask);
            if (prefix > 0)
            {
                routes.Add(new Ipv4Subnet(destination & mask, prefix));
            }
        }
        return routes;
    }
}
