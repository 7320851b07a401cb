using System.Text.Json.Serialization;

namespace Modular.Kernel.Networks;

/// <summary>
/// One IPAM pool of a network as persisted: its subnet, the part handed out, the gateway and reserved addresses.
/// IPv4 and IPv6 pools share the shape; <see cref="IsIPv6"/> tells them apart.
/// </summary>
public sealed record IpamPool(string Subnet, string Gateway, string IPRange = "", IReadOnlyDictionary<string, string>? AuxiliaryAddresses = null)
{
    /// <summary>Taken from the default pools rather than configured by the user (no static addresses in it, as in dockerd).</summary>
    public bool Dynamic { get; init; }

    [JsonIgnore]
    public bool IsIPv6 => Ipv6Subnet.IsIPv6Text(Subnet);

    [JsonIgnore]
    public Ipv4Subnet ParsedSubnet => Ipv4Subnet.Parse(Subnet);

    [JsonIgnore]
    public Ipv6Subnet ParsedIPv6Subnet => Ipv6Subnet.TryParse(Subnet) ?? throw new InvalidOperationException($"not an IPv6 pool: {Subnet}");

    /// <summary>
    /// The IPv6 addresses endpoints may get, in order: the range (or the whole subnet) without the subnet-router anycast
    /// address (the subnet's first), the gateway and the aux addresses.
    /// </summary>
    public IEnumerable<UInt128> IPv6Candidates()
    {
        var subnet = ParsedIPv6Subnet;
        var range = IPRange.Length > 0 ? Ipv6Subnet.TryParse(IPRange)!.Value.Masked() : subnet;
        var gateway = Gateway.Length > 0 ? Ipv6Subnet.ParseAddress(Gateway, "gateway") : UInt128.Zero;
        var reserved = (AuxiliaryAddresses ?? new Dictionary<string, string>()).Values.Select(a => Ipv6Subnet.ParseAddress(a, "aux")).ToHashSet();
        var first = range.Network == subnet.Network && subnet.PrefixLength < 127 ? range.Network + 1 : range.Network;
        for (var address = first; address <= range.Last && address >= first; address++)
        {
            if (address != gateway && !reserved.Contains(address))
            {
                yield return address;
            }
            if (address == UInt128.MaxValue)
            {
                yield break;
            }
        }
    }

    /// <summary>The addresses endpoints may get: the range (or the whole subnet) without network, broadcast, gateway and aux addresses.</summary>
    public IEnumerable<uint> Candidates()
    {
        var subnet = ParsedSubnet;
        var range = IPRange.Length > 0 ? Ipv4Subnet.Parse(IPRange) : subnet;
        var gateway = Gateway.Length > 0 ? Ipv4Subnet.ParseAddress(Gateway, "gateway") : 0;
        var reserved = (AuxiliaryAddresses ?? new Dictionary<string, string>()).Values.Select(a => Ipv4Subnet.ParseAddress(a, "aux")).ToHashSet();
        var first = subnet.PrefixLength >= 31 ? range.Network : range.Network + (range.Network == subnet.Network ? 1u : 0u);
        var last = subnet.PrefixLength >= 31 ? range.Broadcast : range.Broadcast - (range.Broadcast == subnet.Broadcast ? 1u : 0u);
        for (var address = first; address <= last && address >= first; address++)
        {
            if (address != gateway && !reserved.Contains(address))
            {
                yield return address;
            }
        }
    }
}
