using System.Net;
using Modular.Sdk;

namespace Modular.Kernel.Networks.EtcFiles;

/// <summary>
/// The <c>--add-host</c> entries of HostConfig.ExtraHosts, <c>name:address</c> (split at the first colon so IPv6
/// addresses work), where the address may be the special <c>host-gateway</c>.
/// </summary>
public static class ExtraHosts
{
    public const string HostGateway = "host-gateway";

    /// <summary>Refuses malformed entries at create time with dockerd's messages.</summary>
    public static void Validate(IEnumerable<string>? entries)
    {
        foreach (var entry in entries ?? [])
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0)
            {
                throw DriverException.InvalidArgument($"bad format for add-host: \"{entry}\"");
            }
            var address = entry[(colon + 1)..];
            if (address != HostGateway && !TryParseAddress(address, out _))
            {
                throw DriverException.InvalidArgument($"invalid IP address in add-host: \"{address}\"");
            }
        }
    }

    /// <summary>The hosts records of the entries, <c>host-gateway</c> replaced by each of <paramref name="hostGateway"/>.</summary>
    public static IReadOnlyList<HostsRecord> Resolve(IEnumerable<string>? entries, IReadOnlyList<IPAddress> hostGateway)
    {
        var records = new List<HostsRecord>();
        foreach (var entry in entries ?? [])
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = entry[..colon];
            var address = entry[(colon + 1)..];
            if (address == HostGateway)
            {
                if (hostGateway.Count == 0)
                {
                    throw DriverException.InvalidArgument("unable to derive the IP value for host-gateway");
                }
                records.AddRange(hostGateway.Select(gateway => new HostsRecord(gateway, name)));
            }
            else if (TryParseAddress(address, out var parsed))
            {
                records.Add(new HostsRecord(parsed, name));
            }
        }
        return records;
    }

    // Docker accepts an IPv6 address in brackets ("[::1]") and no zone-less garbage; IPAddress.TryParse alone would
    // also take "1" or "1.2" as IPv4 shorthand, which dockerd refuses.
    private static bool TryParseAddress(string text, out IPAddress address)
    {
        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        address = IPAddress.None;
        if (!IPAddress.TryParse(bare, out var parsed))
        {
            return false;
        }
        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && bare.Count(c => c == '.') != 3)
        {
            return false;
        }
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }
}
