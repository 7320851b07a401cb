namespace Modular.Kernel.Networks;

/// <summary>One IPAM pool of a network as persisted: its subnet, the part handed out, the gateway and reserved addresses.</summary>
public sealed record IpamPool(string Subnet, string Gateway, string IPRange = "", IReadOnlyDictionary<string, string>? AuxiliaryAddresses = null)
{
    public Ipv4Subnet ParsedSubnet => Ipv4Subnet.Parse(Subnet);

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
