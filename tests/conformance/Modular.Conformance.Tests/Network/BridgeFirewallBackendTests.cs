using System.Security.Cryptography;
using Modular.Sdk;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>
/// What the iptables backend leaves in the host's tables, through the published plugin: its chains hooked once from
/// the standard chains (ip6tables too for an IPv6 network), isolation rules kept in step as networks come and go, a later daemon replacing (not doubling)
/// what an earlier one left, and a change of backend between two daemons removing the other backend's rules.
/// </summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeFirewallBackendTests : IDisposable
{
    private readonly List<(INetworkDriver Driver, NetworkSpec Network)> _created = [];

    public void Dispose()
    {
        foreach (var (driver, network) in _created)
        {
            try
            {
                driver.DeleteNetwork(network.Id);
            }
            catch (DriverException)
            {
                // Already gone: the test's assertions have said what they had to.
            }
        }
    }

    [Fact]
    public void Each_network_gets_its_chains_hooked_once_and_isolation_follows_the_other_networks()
    {
        var driver = BridgeDriverConfigurations.Create(userlandProxy: false, firewallBackend: "iptables");
        var first = Create(driver, "10.213.132");
        var second = Create(driver, "10.213.133");
        var (firstBridge, secondBridge) = (Bridge(first), Bridge(second));

        var nat = Save("nat");
        Assert.Single(nat, l => l == $"-A PREROUTING -m addrtype --dst-type LOCAL -j MODULAR-DNAT-{firstBridge}");
        Assert.Single(nat, l => l == $"-A OUTPUT -m addrtype --dst-type LOCAL -j MODULAR-DNAT-{firstBridge}");
        Assert.Single(nat, l => l == $"-A POSTROUTING -j MODULAR-POST-{firstBridge}");
        Assert.Contains($"-A MODULAR-POST-{firstBridge} -s 10.213.132.0/24 ! -o {firstBridge} -j MASQUERADE", nat);
        var filter = Save("filter");
        Assert.Single(filter, l => l == $"-A FORWARD -j MODULAR-FWD-{firstBridge}");
        Assert.Contains($"-A MODULAR-FWD-{firstBridge} -i {firstBridge} -o {secondBridge} -j DROP", filter);
        Assert.Contains($"-A MODULAR-FWD-{secondBridge} -i {firstBridge} -o {secondBridge} -j DROP", filter);
        Assert.DoesNotContain(NetworkSandbox.HostNftTables(), t => t.EndsWith(" modular-" + firstBridge, StringComparison.Ordinal));

        driver.DeleteNetwork(second.Id);

        Assert.DoesNotContain(Save("filter").Concat(Save("nat")), l => l.Contains(secondBridge, StringComparison.Ordinal));
        Assert.DoesNotContain(Save("filter"), l => l.StartsWith($"-A MODULAR-FWD-{firstBridge} ", StringComparison.Ordinal) && l.Contains("DROP", StringComparison.Ordinal));
    }

    [Fact]
    public void A_later_daemon_replaces_the_chains_an_earlier_one_left_instead_of_doubling_them()
    {
        var earlier = BridgeDriverConfigurations.CreateFresh(userlandProxy: false, firewallBackend: "iptables");
        var network = Network("10.213.134");
        earlier.CreateNetwork(network);
        // The earlier daemon dies here: its chains stay. The next one starts with the same networks.
        var later = BridgeDriverConfigurations.CreateFresh(userlandProxy: false, firewallBackend: "iptables");
        later.CreateNetwork(network);
        _created.Add((later, network));
        var bridge = Bridge(network);

        Assert.Single(Save("nat"), l => l.StartsWith("-A PREROUTING ", StringComparison.Ordinal) && l.EndsWith($"-j MODULAR-DNAT-{bridge}", StringComparison.Ordinal));
        Assert.Single(Save("filter"), l => l == $"-A FORWARD -j MODULAR-FWD-{bridge}");
        later.DeleteNetwork(network.Id);
        Assert.DoesNotContain(Save("filter").Concat(Save("nat")), l => l.Contains(bridge, StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_the_backend_between_daemons_removes_the_other_backends_rules()
    {
        var network = Network("10.213.135");
        var bridge = Bridge(network);
        var nftables = BridgeDriverConfigurations.CreateFresh(userlandProxy: false, firewallBackend: "nftables");
        nftables.CreateNetwork(network);
        Assert.Contains(NetworkSandbox.HostNftTables(), t => t.EndsWith(" modular-" + bridge, StringComparison.Ordinal));

        var iptables = BridgeDriverConfigurations.CreateFresh(userlandProxy: false, firewallBackend: "iptables");
        iptables.CreateNetwork(network);
        _created.Add((iptables, network));
        Assert.DoesNotContain(NetworkSandbox.HostNftTables(), t => t.EndsWith(" modular-" + bridge, StringComparison.Ordinal));
        Assert.Contains($":MODULAR-FWD-{bridge} - [0:0]", Save("filter"));

        var back = BridgeDriverConfigurations.CreateFresh(userlandProxy: false, firewallBackend: "nftables");
        back.CreateNetwork(network);
        _created.Add((back, network));
        Assert.DoesNotContain(Save("filter").Concat(Save("nat")), l => l.Contains(bridge, StringComparison.Ordinal));
        Assert.Contains(NetworkSandbox.HostNftTables(), t => t.EndsWith(" modular-" + bridge, StringComparison.Ordinal));
    }

    [Fact]
    public void An_ipv6_network_gets_its_ip6tables_chains_and_loses_them_with_the_network()
    {
        var driver = BridgeDriverConfigurations.Create(userlandProxy: false, firewallBackend: "iptables");
        var network = Network("10.213.136") with { IPv6Subnets = [new NetworkSubnet("fd5e:c0f:5::/64", "fd5e:c0f:5::1")] };
        driver.CreateNetwork(network);
        _created.Add((driver, network));
        var bridge = Bridge(network);

        var nat = Save("nat", "ip6tables-save");
        Assert.Contains($"-A MODULAR-POST-{bridge} -s fd5e:c0f:5::/64 ! -o {bridge} -j MASQUERADE", nat);
        // No IPv6 route_localnet: ::1 is left to the held socket and its proxy, never DNATed.
        Assert.Single(nat, l => l == $"-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j MODULAR-DNAT-{bridge}");
        Assert.Single(Save("filter", "ip6tables-save"), l => l == $"-A FORWARD -j MODULAR-FWD-{bridge}");

        driver.DeleteNetwork(network.Id);

        Assert.DoesNotContain(Save("nat", "ip6tables-save").Concat(Save("filter", "ip6tables-save")), l => l.Contains(bridge, StringComparison.Ordinal));
    }

    private NetworkSpec Create(INetworkDriver driver, string subnetBase)
    {
        var network = Network(subnetBase);
        driver.CreateNetwork(network);
        _created.Add((driver, network));
        return network;
    }

    private static NetworkSpec Network(string subnetBase) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "firewall", new Dictionary<string, string>())
        {
            Subnets = [new NetworkSubnet($"{subnetBase}.0/24", $"{subnetBase}.1")],
        };

    private static string Bridge(NetworkSpec network) => "br-" + network.Id[..12];

    private static string[] Save(string table, string tool = "iptables-save") =>
        NetworkSandbox.Host(tool, "-t", table).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
