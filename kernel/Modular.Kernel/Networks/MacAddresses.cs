using System.Net.NetworkInformation;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary><c>--mac-address</c>: six colon- or dash-separated octets, normalised to lower-case colon form.</summary>
public static class MacAddresses
{
    /// <summary>The normalised address, "" for none; a malformed one is refused with dockerd's message.</summary>
    public static string Validate(string text)
    {
        if (text.Length == 0)
        {
            return "";
        }
        var octets = text.Split(text.Contains('-') ? '-' : ':');
        if (octets.Length != 6 || !octets.All(o => o.Length == 2 && o.All(Uri.IsHexDigit)))
        {
            throw DriverException.InvalidArgument($"invalid MAC address: {text}");
        }
        var bytes = PhysicalAddress.Parse(string.Concat(octets)).GetAddressBytes();
        if ((bytes[0] & 1) != 0)
        {
            throw DriverException.InvalidArgument($"invalid MAC address: {text}: a multicast address cannot be a container's");
        }
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }
}
