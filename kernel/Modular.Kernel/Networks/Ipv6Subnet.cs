using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>An IPv6 subnet as a 128-bit number: parsing, containment, overlap, the n-th address, canonical text.</summary>
public readonly record struct Ipv6Subnet(UInt128 Network, int PrefixLength) : ISubnet<Ipv6Subnet>
{
    public UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength);
    public UInt128 Last => Network | ~Mask;

    public static bool IsIPv6Text(string text) => text.Contains(':', StringComparison.Ordinal);

    /// <summary>Parses <c>address/prefix</c>; null when it is not IPv6 CIDR notation.</summary>
    public static Ipv6Subnet? TryParse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || address.ScopeId != 0 || !int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix is < 0 or > 128)
        {
            return null;
        }
        return new Ipv6Subnet(ToNumber(address), prefix);
    }

    /// <summary>The subnet with its host bits cleared (what <see cref="TryParse"/> keeps as given).</summary>
    public Ipv6Subnet Masked() => new(Network & Mask, PrefixLength);

    public static UInt128? TryParseAddress(string text) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId == 0
            ? ToNumber(address)
            : null;

    public static UInt128 ParseAddress(string text, string what) =>
        TryParseAddress(text) ?? throw DriverException.InvalidArgument($"invalid {what} address: {text}");

    public bool Contains(UInt128 address) => (address & Mask) == (Network & Mask);

    public bool Overlaps(Ipv6Subnet other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => $"{Format(Network)}/{PrefixLength}";

    public static UInt128 ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes());

    public static string Format(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }
}
