using System.Net;
using System.Security.Cryptography;

namespace Modular.Network.Macvlan;

/// <summary>Docker's MAC scheme: 02:42 (locally administered) followed by the IPv4 address, so a MAC never repeats within a subnet.</summary>
internal static class MacAddresses
{
    public static string For(string cidr)
    {
        var bytes = cidr.Length > 0 && IPAddress.TryParse(cidr.Split('/')[0], out var address)
            ? address.GetAddressBytes()
            : RandomNumberGenerator.GetBytes(4);
        return "02:42:" + string.Join(':', bytes.Select(b => b.ToString("x2")));
    }
}
