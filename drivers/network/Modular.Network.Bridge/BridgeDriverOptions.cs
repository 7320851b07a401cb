using Modular.Sdk;

namespace Modular.Network.Bridge;

/// <summary>Which firewall the bridge driver programs its NAT, isolation and published ports into.</summary>
internal enum FirewallBackendKind
{
    Nftables,
    Iptables,
}

/// <summary>
/// The daemon-wide settings of the bridge driver, from <see cref="DriverContext.Options"/> (the kernel passes daemon.json's
/// <c>userland-proxy</c> and <c>firewall-backend</c> under those names). Unknown keys are refused so a misspelt option
/// never goes unnoticed.
/// </summary>
internal sealed record BridgeDriverOptions(bool UserlandProxy, FirewallBackendKind FirewallBackend)
{
    public const string UserlandProxyKey = "userland-proxy";
    public const string FirewallBackendKey = "firewall-backend";

    public static BridgeDriverOptions From(IReadOnlyDictionary<string, string> options)
    {
        var unknown = options.Keys.Where(k => k is not (UserlandProxyKey or FirewallBackendKey)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw DriverException.InvalidArgument($"bridge driver: unknown option(s) {string.Join(", ", unknown)}");
        }
        var proxy = !options.TryGetValue(UserlandProxyKey, out var proxyText) || proxyText.Length == 0 ? false
            : bool.TryParse(proxyText, out var parsed) ? parsed
            : throw DriverException.InvalidArgument($"invalid userland-proxy \"{proxyText}\": true or false expected");
        var backend = !options.TryGetValue(FirewallBackendKey, out var backendText) || backendText is "" or "nftables" ? FirewallBackendKind.Nftables
            : backendText == "iptables" ? FirewallBackendKind.Iptables
            : throw DriverException.InvalidArgument("invalid firewall-backend: allowed values are \"iptables\" and \"nftables\"");
        return new BridgeDriverOptions(proxy, backend);
    }
}
