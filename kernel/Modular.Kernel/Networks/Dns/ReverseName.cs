using System.Globalization;
using System.Net;
using System.Text;

namespace Modular.Kernel.Networks.Dns;

/// <summary>The addresses behind PTR names: <c>4.3.2.1.in-addr.arpa</c> and the nibble form under <c>ip6.arpa</c>.</summary>
public static class ReverseName
{
    private const string IPv4Suffix = ".in-addr.arpa";
    private const string IPv6Suffix = ".ip6.arpa";

    /// <summary>The address a reverse name stands for, or null when it is not a complete one.</summary>
    public static IPAddress? Parse(string name)
    {
        name = name.TrimEnd('.').ToLowerInvariant();
        if (name.EndsWith(IPv4Suffix, StringComparison.Ordinal))
        {
            var octets = name[..^IPv4Suffix.Length].Split('.');
            if (octets.Length != 4 || !octets.All(o => byte.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                return null;
            }
            return IPAddress.Parse(string.Join('.', octets.Reverse()));
        }
        if (name.EndsWith(IPv6Suffix, StringComparison.Ordinal))
        {
            var nibbles = name[..^IPv6Suffix.Length].Split('.');
            if (nibbles.Length != 32 || !nibbles.All(n => n.Length == 1 && Uri.IsHexDigit(n[0])))
            {
                return null;
            }
            var hex = new StringBuilder();
            foreach (var (nibble, index) in nibbles.Reverse().Select((n, i) => (n, i)))
            {
                if (index > 0 && index % 4 == 0)
                {
                    hex.Append(':');
                }
                hex.Append(nibble);
            }
            return IPAddress.Parse(hex.ToString());
        }
        return null;
    }

    /// <summary>The PTR name of an address (the inverse of <see cref="Parse"/>).</summary>
    public static string Of(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4)
        {
            return string.Join('.', bytes.Reverse()) + IPv4Suffix;
        }
        var nibbles = bytes.SelectMany(b => new[] { b >> 4, b & 0xF }).Reverse().Select(n => n.ToString("x", CultureInfo.InvariantCulture));
        return string.Join('.', nibbles) + IPv6Suffix;
    }
}
