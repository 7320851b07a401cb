using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Modular.Kernel.Configuration;

/// <summary>
/// The networking keys of daemon.json that this version acts on: <c>default-address-pools</c> (Docker's
/// <c>[{"base":"10.10.0.0/16","size":24}]</c>, IPv4 and IPv6 bases), <c>userland-proxy</c> and <c>firewall-backend</c> (both handed to the bridge
/// driver), each checked at start so a value the daemon cannot honour stops it with a message instead of being silently ignored.
/// </summary>
internal static class NetworkConfigValidation
{
    public const string NftablesBackend = "nftables";
    public const string IptablesBackend = "iptables";

    public static List<DefaultAddressPool> ParsePools(JsonElement element, string where)
    {
        ConfigurationException Bad(string detail) => new($"{where}: invalid value for \"default-address-pools\": {detail}");

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"expected an array of {{\"base\": \"<cidr>\", \"size\": <prefix length>}} objects, got {element.GetRawText()}");
        }
        var pools = new List<DefaultAddressPool>();
        foreach (var entry in element.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("base", out var baseElement) || baseElement.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("size", out var sizeElement) || !sizeElement.TryGetInt32(out var size)
                || entry.EnumerateObject().Any(p => p.Name is not ("base" or "size")))
            {
                throw Bad($"each pool needs exactly a string \"base\" and an integer \"size\", got {entry.GetRawText()}");
            }
            pools.Add(new DefaultAddressPool(baseElement.GetString()!, size));
        }
        return pools;
    }

    public static void Validate(DaemonConfig config)
    {
        foreach (var pool in config.DefaultAddressPools)
        {
            ValidatePool(pool);
        }
        if (config.FirewallBackend is { } backend && backend is not ("" or NftablesBackend or IptablesBackend))
        {
            // dockerd's words for the same mistake.
            throw new ConfigurationException("invalid firewall-backend: allowed values are \"iptables\" and \"nftables\"");
        }
    }

    /// <summary>
    /// What the bridge driver gets as its <see cref="Sdk.DriverContext.Options"/>: whether published ports also get a
    /// userland proxy, and which firewall it programs. Both always given, defaults spelt out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> BridgeDriverOptions(DaemonConfig config) => new Dictionary<string, string>
    {
        ["userland-proxy"] = config.UserlandProxy == true ? "true" : "false",
        ["firewall-backend"] = config.FirewallBackend is { Length: > 0 } backend ? backend : NftablesBackend,
    };

    private static void ValidatePool(DefaultAddressPool pool)
    {
        var slash = pool.Base.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(pool.Base[..slash], out var address)
            || !int.TryParse(pool.Base[(slash + 1)..], out var prefix) || prefix < 0
            || prefix > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            throw new ConfigurationException($"default-address-pools: invalid base pool \"{pool.Base}\": not an address in CIDR notation");
        }
        var longest = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (pool.Size < prefix || pool.Size > longest)
        {
            throw new ConfigurationException(
                $"default-address-pools: invalid pool size {pool.Size} for base \"{pool.Base}\": it must be between the base's prefix length ({prefix}) and {longest}");
        }
        // IPv6 pools are cut lazily and /64s of a short ULA prefix are the norm, so only IPv4 fan-outs are bounded.
        if (address.AddressFamily == AddressFamily.InterNetwork && pool.Size - prefix > 24)
        {
            // 2^24 subnets per pool is more than any host can use; a bigger fan-out is almost surely a typo.
            throw new ConfigurationException(
                $"default-address-pools: pool \"{pool.Base}\" with size {pool.Size} would hold more than 2^24 subnets");
        }
    }
}

/// <summary>One entry of daemon.json's <c>default-address-pools</c>: networks get <c>/Size</c> subnets carved from <c>Base</c>.</summary>
public sealed record DefaultAddressPool(string Base, int Size);
