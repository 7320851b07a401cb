using System.Net;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge;

/// <summary>A bridge network's settings, from its driver options (Docker's <c>com.docker.network.bridge.*</c> keys).</summary>
internal sealed record BridgeSettings(
    string NetworkId,
    string BridgeName,
    int Mtu,
    bool InterContainerCommunication,
    bool Masquerade,
    bool Internal,
    IReadOnlyList<NetworkSubnet> Subnets)
{
    public const string NameOption = "com.docker.network.bridge.name";
    public const string IccOption = "com.docker.network.bridge.enable_icc";
    public const string MasqueradeOption = "com.docker.network.bridge.enable_ip_masquerade";
    public const string MtuOption = "com.docker.network.driver.mtu";
    public const string DefaultBridgeName = "modular0";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        NameOption, IccOption, MasqueradeOption, MtuOption,
        "com.docker.network.bridge.default_bridge", "com.docker.network.bridge.host_binding_ipv4",
    };

    /// <summary>
    /// Whether published ports are also served by a userland proxy (daemon.json <c>userland-proxy</c>): then, as in dockerd,
    /// loopback and same-bridge clients reach the proxy instead of DNAT, so no <c>route_localnet</c>, hairpin mode or
    /// hairpin NAT is set up.
    /// </summary>
    public bool UserlandProxy { get; init; }

    /// <summary>The IPv6 subnets with their gateways (<c>--ipv6</c>); empty for an IPv4-only network.</summary>
    public IReadOnlyList<NetworkSubnet> IPv6Subnets { get; init; } = [];

    /// <summary>The nftables table (family <c>inet</c>: IPv4 and IPv6) that holds this network's rules.</summary>
    public string TableName => "modular-" + BridgeName;

    public static BridgeSettings From(NetworkSpec network)
    {
        var options = network.Options;
        var unknown = options.Keys.Where(k => !Known.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw DriverException.InvalidArgument($"bridge driver: unknown option(s) {string.Join(", ", unknown)}");
        }
        var name = options.TryGetValue(NameOption, out var given) && given.Length > 0 ? given
            : network.IsDefault ? DefaultBridgeName
            : "br-" + network.Id[..12];
        if (name.Length > 15 || name.Contains('/') || name.Contains(' ') || name.Contains('"'))
        {
            throw DriverException.InvalidArgument($"bridge driver: invalid bridge name \"{name}\"");
        }
        var mtu = options.TryGetValue(MtuOption, out var mtuText)
            ? int.TryParse(mtuText, out var parsed) && parsed is >= 68 and <= 65535 ? parsed
                : throw DriverException.InvalidArgument($"invalid MTU \"{mtuText}\": it must be a number between 68 and 65535")
            : 1500;
        foreach (var subnet in network.Subnets)
        {
            if (!IPNetwork.TryParse(subnet.Subnet, out var parsedSubnet) || parsedSubnet.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                throw DriverException.InvalidArgument($"bridge driver: \"{subnet.Subnet}\" is not an IPv4 subnet");
            }
        }
        return new BridgeSettings(network.Id, name, mtu, Flag(options, IccOption), Flag(options, MasqueradeOption), network.Internal, network.Subnets)
        {
            IPv6Subnets = Ipv6Bridge.Validate(network.IPv6Subnets),
        };
    }

    private static bool Flag(IReadOnlyDictionary<string, string> options, string key) =>
        !options.TryGetValue(key, out var value) || value.Length == 0
        || (bool.TryParse(value, out var flag) ? flag : throw DriverException.InvalidArgument($"invalid value \"{value}\" for {key}: true or false expected"));
}
