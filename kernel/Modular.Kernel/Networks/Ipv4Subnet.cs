using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>An IPv4 subnet as numbers: parsing with Docker's messages, containment, overlap, the n-th address.</summary>
public readonly record struct Ipv4Subnet(uint Network, int PrefixLength) : ISubnet<Ipv4Subnet>
{
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
    public uint Broadcast => Network | ~Mask;
    public ulong Size => 1UL << (32 - PrefixLength);

    public static Ipv4Subnet Parse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix is < 0 or > 32)
        {
            throw DriverException.InvalidArgument($"invalid CIDR address: {cidr}");
        }
        var value = ToNumber(address);
        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return new Ipv4Subnet(value & mask, prefix);
    }

    /// <summary>Whether the text is IPv4 CIDR notation.</summary>
    public static bool TryParseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/');
        return slash >= 0 && IPAddress.TryParse(cidr[..slash], out var address) && address.AddressFamily == AddressFamily.InterNetwork
            && int.TryParse(cidr[(slash + 1)..], out var prefix) && prefix is >= 0 and <= 32;
    }

    public static uint ParseAddress(string text, string what) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork
            ? ToNumber(address)
            : throw DriverException.InvalidArgument($"invalid {what} address: {text}");

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => $"{Format(Network)}/{PrefixLength}";

    public static uint ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public static string Format(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }
}
