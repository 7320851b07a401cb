using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Modular.Kernel.Networks.EtcFiles;

/// <summary>One line of /etc/hosts: an address and the names it answers to (space separated).</summary>
public sealed record HostsRecord(IPAddress Address, string Names)
{
    public override string ToString() => $"{Address}\t{Names}";
}

/// <summary>
/// A container's /etc/hosts as dockerd builds it: the localhost lines (IPv6 ones only when the container has IPv6),
/// the --add-host entries, then the container's own addresses with its hostname.
/// </summary>
public static class HostsFile
{
    private static readonly HostsRecord[] DefaultIPv4 = [new(IPAddress.Loopback, "localhost")];

    private static readonly HostsRecord[] DefaultIPv6 =
    [
        new(IPAddress.IPv6Loopback, "localhost ip6-localhost ip6-loopback"),
        new(IPAddress.Parse("fe00::"), "ip6-localnet"),
        new(IPAddress.Parse("ff00::"), "ip6-mcastprefix"),
        new(IPAddress.Parse("ff02::1"), "ip6-allnodes"),
        new(IPAddress.Parse("ff02::2"), "ip6-allrouters"),
    ];

    public static string Build(IEnumerable<HostsRecord> extraHosts, IEnumerable<HostsRecord> ownRecords, bool ipv6)
    {
        var records = ipv6
            ? [.. DefaultIPv4, .. DefaultIPv6, .. extraHosts, .. ownRecords]
            : DefaultIPv4.Concat(extraHosts).Concat(ownRecords).Where(r => r.Address.AddressFamily == AddressFamily.InterNetwork);
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(record).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The records of the container's own addresses: the FQDN (hostname plus domainname) and, when it has dots,
    /// also the bare hostname.
    /// </summary>
    public static IEnumerable<HostsRecord> OwnRecords(IEnumerable<IPAddress> addresses, string hostname, string domainname)
    {
        var names = domainname.Length > 0 ? $"{hostname}.{domainname}" : hostname;
        var dot = names.IndexOf('.');
        if (dot > 0)
        {
            names += " " + names[..dot];
        }
        return addresses.Select(address => new HostsRecord(address, names));
    }
}
