using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>
/// Settles the IPv6 pools of a network created with <c>--ipv6</c>, as dockerd 28 does: the requested <c>--subnet</c>s
/// checked with the API's messages (ValidateIPAM), or else a /64 from the default ULA pool, a /48 whose 40-bit global
/// ID is derived from the engine's ID (RFC 4193 style), that overlaps neither another network nor a host route.
/// </summary>
public static class Ipv6IpamPlanner
{
    public const int DefaultPoolSize = 64;

    /// <summary>fd00::/8 with the low 40 bits of SHA-256(engine ID) as global ID: stable for a data-root, unlikely to collide.</summary>
    public static Ipv6Subnet DefaultBase(string engineId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(engineId));
        var globalId = BinaryPrimitives.ReadUInt64BigEndian(hash) & ((1UL << 40) - 1);
        var fd00 = (UInt128)0xfd << 120;
        return new Ipv6Subnet(fd00 | ((UInt128)globalId << 80), 48);
    }

    /// <summary>The /64 pieces of <see cref="DefaultBase"/>, in order.</summary>
    public static IEnumerable<Ipv6Subnet> DefaultPools(string engineId)
    {
        var baseSubnet = DefaultBase(engineId);
        var step = UInt128.One << (128 - DefaultPoolSize);
        for (var index = 0; index < 1 << (DefaultPoolSize - baseSubnet.PrefixLength); index++)
        {
            yield return new Ipv6Subnet(baseSubnet.Network + step * (UInt128)index, DefaultPoolSize);
        }
    }

    public static IReadOnlyList<IpamPool> Plan(IReadOnlyList<IpamConfig> requested, IReadOnlyList<Ipv6Subnet> taken,
        IReadOnlyList<Ipv6Subnet> hostRoutes, IEnumerable<Ipv6Subnet> defaults, Action<string> log)
    {
        if (requested.Count == 0)
        {
            var free = SubnetPools.FirstFree(defaults, taken, hostRoutes, log)
                ?? throw new DriverException(DriverErrorKind.Forbidden, "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network");
            return [new IpamPool(free.ToString(), Ipv6Subnet.Format(free.Network + 1)) { Dynamic = true }];
        }
        var pools = new List<IpamPool>();
        foreach (var config in requested)
        {
            var subnet = Validate(config);
            if (taken.Concat(pools.Select(p => p.ParsedIPv6Subnet)).Any(subnet.Overlaps))
            {
                throw new DriverException(DriverErrorKind.Forbidden, "invalid pool request: Pool overlaps with other one on this address space");
            }
            var gateway = string.IsNullOrEmpty(config.Gateway) ? subnet.Network + 1 : Ipv6Subnet.ParseAddress(config.Gateway, "gateway");
            pools.Add(new IpamPool(subnet.ToString(), Ipv6Subnet.Format(gateway),
                string.IsNullOrEmpty(config.IPRange) ? "" : Ipv6Subnet.TryParse(config.IPRange)!.Value.ToString(), config.AuxiliaryAddresses));
        }
        return pools;
    }

    /// <summary>moby's ValidateIPAM for one IPv6 config: the first problem, worded as the API words it.</summary>
    private static Ipv6Subnet Validate(IpamConfig config)
    {
        var text = config.Subnet ?? "";
        var subnet = Ipv6Subnet.TryParse(text) ?? throw Invalid($"invalid subnet {text}: invalid CIDR block notation");
        if (subnet.Masked() != subnet)
        {
            throw Invalid($"invalid subnet {subnet}: it should be {subnet.Masked()}");
        }
        if (!string.IsNullOrEmpty(config.IPRange))
        {
            if (Ipv6Subnet.TryParse(config.IPRange) is not { } range)
            {
                throw Invalid(Ipv4Subnet.TryParseCidr(config.IPRange)
                    ? $"invalid ip-range {config.IPRange}: parent subnet is an IPv6 block"
                    : $"invalid ip-range {config.IPRange}: invalid CIDR block notation");
            }
            if (range.PrefixLength < subnet.PrefixLength)
            {
                throw Invalid($"invalid ip-range {config.IPRange}: CIDR block is bigger than its parent subnet {subnet}");
            }
            if (range.Masked() != range)
            {
                throw Invalid($"invalid ip-range {range}: it should be {range.Masked()}");
            }
            if (!subnet.Overlaps(range))
            {
                throw Invalid($"invalid ip-range {config.IPRange}: parent subnet {subnet} doesn't contain ip-range");
            }
        }
        if (AddressProblem(config.Gateway, subnet) is { } gatewayProblem)
        {
            throw Invalid($"invalid gateway {config.Gateway}: {gatewayProblem}");
        }
        foreach (var (name, address) in config.AuxiliaryAddresses ?? new Dictionary<string, string>())
        {
            if (AddressProblem(address, subnet) is { } auxProblem)
            {
                throw Invalid($"invalid auxiliary address {name}: {auxProblem}");
            }
        }
        return subnet;
    }

    private static string? AddressProblem(string? address, Ipv6Subnet subnet)
    {
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }
        if (Ipv6Subnet.TryParseAddress(address) is not { } parsed)
        {
            return System.Net.IPAddress.TryParse(address, out _) ? "parent subnet is an IPv6 block" : "invalid address";
        }
        return subnet.Contains(parsed) ? null : $"parent subnet {subnet} doesn't contain this address";
    }

    private static DriverException Invalid(string problem) => DriverException.InvalidArgument($"invalid network config:\n{problem}");

    /// <summary>
    /// The host's IPv6 routes from /proc/net/ipv6_route, except default, link-local and multicast ones and those through
    /// the given devices (our own bridges, whose subnets are counted as taken).
    /// </summary>
    public static IReadOnlyList<Ipv6Subnet> HostRoutes(IReadOnlySet<string> exceptDevices)
    {
        if (!File.Exists("/proc/net/ipv6_route"))
        {
            return [];
        }
        var routes = new List<Ipv6Subnet>();
        foreach (var line in File.ReadLines("/proc/net/ipv6_route"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || exceptDevices.Contains(fields[9]))
            {
                continue;
            }
            var destination = UInt128.Parse(fields[0], NumberStyles.HexNumber);
            var prefix = int.Parse(fields[1], NumberStyles.HexNumber);
            var route = new Ipv6Subnet(destination, prefix).Masked();
            var linkLocal = new Ipv6Subnet((UInt128)0xfe80 << 112, 10);
            var multicast = new Ipv6Subnet((UInt128)0xff << 120, 8);
            if (prefix > 0 && !linkLocal.Contains(route.Network) && !multicast.Contains(route.Network) && route.Network != UInt128.One)
            {
                routes.Add(route);
            }
        }
        return routes;
    }
}
