using System.Globalization;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Macvlan;

/// <summary>
/// A macvlan network's options as dockerd reads them: <c>parent</c> (a host interface, or <c>name.vlan</c> for an
/// 802.1q sub-interface that is created when missing), <c>macvlan_mode</c> (bridge by default). Without a parent the
/// network gets a dummy interface of its own, as in Docker, so it works but reaches nothing outside.
/// </summary>
internal sealed record MacvlanSettings(string NetworkId, string Parent, string Mode, bool Internal, IReadOnlyList<NetworkSubnet> Subnets)
{
    public const int MaxInterfaceName = 15;

    private static readonly string[] Modes = ["bridge", "private", "vepa", "passthru"];

    /// <summary>The VLAN id when the parent is a sub-interface (<c>eth0.10</c>), else null.</summary>
    public (string Link, int Id)? Vlan => VlanOf(Parent);

    /// <summary>The dummy parent of a network created without <c>-o parent</c>.</summary>
    public static string DummyParentOf(string networkId) => "dm-" + networkId[..12];

    public static MacvlanSettings From(NetworkSpec network)
    {
        var options = network.Options;
        foreach (var key in options.Keys)
        {
            if (key is not ("parent" or "macvlan_mode"))
            {
                throw DriverException.InvalidArgument($"unrecognized macvlan option: {key}");
            }
        }
        var mode = options.TryGetValue("macvlan_mode", out var asked) && asked.Length > 0 ? asked : "bridge";
        if (!Modes.Contains(mode))
        {
            throw DriverException.InvalidArgument($"requested macvlan mode '{mode}' is not valid, 'bridge' mode is the macvlan driver default");
        }
        var parent = options.TryGetValue("parent", out var named) && named.Length > 0 ? named : DummyParentOf(network.Id);
        if (parent.Length > MaxInterfaceName)
        {
            throw DriverException.InvalidArgument($"the -o parent interface name {parent} is longer than {MaxInterfaceName} characters");
        }
        _ = VlanOf(parent);
        return new MacvlanSettings(network.Id, parent, mode, network.Internal, network.Subnets);
    }

    private static (string Link, int Id)? VlanOf(string parent)
    {
        var dot = parent.LastIndexOf('.');
        if (dot < 0)
        {
            return null;
        }
        var link = parent[..dot];
        var idText = parent[(dot + 1)..];
        if (link.Length == 0 || !int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw DriverException.InvalidArgument($"required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received: {parent}");
        }
        if (id is < 1 or > 4094)
        {
            throw DriverException.InvalidArgument($"vlan id must be between 1-4094, received: {id}");
        }
        return (link, id);
    }
}
