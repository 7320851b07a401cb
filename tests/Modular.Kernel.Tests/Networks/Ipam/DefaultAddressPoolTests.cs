using Modular.Kernel.Configuration;
using Modular.Kernel.Networks;
using Modular.Kernel.Tests.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Ipam;

/// <summary>daemon.json's default-address-pools: parsed and checked at load, then the subnets IPAM hands out.</summary>
public sealed class DefaultAddressPoolTests : IDisposable
{
    private readonly TempFolder _folder = new("addresspools");

    public void Dispose() => _folder.Dispose();

    private DaemonConfig Load(string json)
    {
        _folder.Write("daemon.json", json);
        return DaemonConfigLoader.Load(_folder.Combine("daemon.json"), new Dictionary<string, object>());
    }

    [Fact]
    public void Dockers_format_is_read_in_order_and_is_not_inert()
    {
        var config = Load("""{ "default-address-pools": [ { "base": "10.10.0.0/16", "size": 24 }, { "base": "10.20.0.0/22", "size": 26 } ] }""");

        Assert.Equal([new DefaultAddressPool("10.10.0.0/16", 24), new DefaultAddressPool("10.20.0.0/22", 26)], config.DefaultAddressPools);
        Assert.DoesNotContain("default-address-pools", config.InertKeys);
    }

    [Theory]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0/16", "size": 8 } ] }""", "invalid pool size 8 for base \"10.10.0.0/16\"")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0/16", "size": 33 } ] }""", "invalid pool size 33")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0", "size": 24 } ] }""", "invalid base pool \"10.10.0.0\"")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0/40", "size": 24 } ] }""", "invalid base pool \"10.10.0.0/40\"")]
    [InlineData("""{ "default-address-pools": [ { "base": "fd00::/48", "size": 129 } ] }""", "invalid pool size 129 for base \"fd00::/48\": it must be between the base's prefix length (48) and 128")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.0.0.0/7", "size": 32 } ] }""", "more than 2^24 subnets")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0/16" } ] }""", "each pool needs exactly a string \"base\" and an integer \"size\"")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.10.0.0/16", "size": 24, "extra": 1 } ] }""", "each pool needs exactly")]
    [InlineData("""{ "default-address-pools": "10.10.0.0/16" }""", "expected an array")]
    public void Bad_pools_stop_the_load_with_a_message_naming_the_problem(string json, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(json));

        Assert.Contains(expected, error.Message);
        Assert.Contains("default-address-pools", error.Message);
    }

    [Fact]
    public void Pools_are_cut_into_pieces_of_their_size_one_base_after_the_other()
    {
        var candidates = IpamDefaultPools.Candidates([new DefaultAddressPool("10.10.0.0/23", 24), new DefaultAddressPool("10.20.0.0/30", 31)])
            .Select(s => s.ToString()).ToList();

        Assert.Equal(["10.10.0.0/24", "10.10.1.0/24", "10.20.0.0/31", "10.20.0.2/31"], candidates);
    }

    [Fact]
    public void IPv6_pools_feed_IPv6_networks_only_and_each_family_falls_back_to_its_own_defaults()
    {
        var config = Load("""{ "default-address-pools": [ { "base": "10.10.0.0/16", "size": 24 }, { "base": "fd12:3400::/40", "size": 48 } ] }""");

        Assert.Equal(["10.10.0.0/24", "10.10.1.0/24"], IpamDefaultPools.Candidates(config.DefaultAddressPools).Take(2).Select(s => s.ToString()));
        Assert.Equal(["fd12:3400::/48", "fd12:3400:1::/48"], IpamDefaultPools.IPv6Candidates(config.DefaultAddressPools, "engine").Take(2).Select(s => s.ToString()));
        IReadOnlyList<DefaultAddressPool> onlyIpv6 = [new DefaultAddressPool("fd12:3400::/40", 48)];
        Assert.Equal(IpamPlanner.DefaultPools(), IpamDefaultPools.Candidates(onlyIpv6));
        Assert.Equal(Ipv6IpamPlanner.DefaultPools("engine").Take(3), IpamDefaultPools.IPv6Candidates(config.DefaultAddressPools.Take(1).ToList(), "engine").Take(3));
    }

    [Fact]
    public void Without_configured_pools_dockers_built_in_ones_apply()
    {
        Assert.Equal(IpamPlanner.DefaultPools(), IpamDefaultPools.Candidates([]));
    }

    [Fact]
    public void A_network_without_subnet_gets_the_first_free_piece_of_the_configured_pools()
    {
        var logged = new List<string>();
        var defaults = IpamDefaultPools.Candidates([new DefaultAddressPool("10.10.0.0/16", 24)]);

        var pools = IpamPlanner.Plan(null, [Ipv4Subnet.Parse("10.10.0.0/24")], [Ipv4Subnet.Parse("10.10.1.128/25")], logged.Add, defaults);

        Assert.Equal([new IpamPool("10.10.2.0/24", "10.10.2.1")], pools);
        Assert.Contains(logged, m => m.Contains("10.10.1.0/24"));
    }

    [Fact]
    public void Exhausted_pools_are_an_error_rather_than_a_fallback_to_the_built_in_ones()
    {
        var defaults = IpamDefaultPools.Candidates([new DefaultAddressPool("10.10.0.0/24", 25)]);

        var error = Assert.Throws<Modular.Sdk.DriverException>(() =>
            IpamPlanner.Plan(null, [Ipv4Subnet.Parse("10.10.0.0/24")], [], _ => { }, defaults));

        Assert.Contains("could not find an available, non-overlapping IPv4 address pool", error.Message);
    }

    [Theory]
    [InlineData("""{ "firewall-backend": "ebpf" }""", "invalid firewall-backend: allowed values are \"iptables\" and \"nftables\"")]
    [InlineData("""{ "firewall-backend": 1 }""", "invalid value for \"firewall-backend\": expected a string")]
    [InlineData("""{ "userland-proxy": "no" }""", "invalid value for \"userland-proxy\": expected true or false")]
    public void Network_keys_this_version_cannot_honour_are_refused(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<ConfigurationException>(() => Load(json)).Message);
    }

    [Fact]
    public void Userland_proxy_false_and_the_nftables_backend_are_accepted()
    {
        var config = Load("""{ "userland-proxy": false, "firewall-backend": "nftables" }""");

        Assert.False(config.UserlandProxy);
        Assert.Equal("nftables", config.FirewallBackend);
        Assert.Empty(config.InertKeys);
    }

    [Fact]
    public void Userland_proxy_and_the_iptables_backend_reach_the_bridge_driver_as_its_options()
    {
        var config = Load("""{ "userland-proxy": true, "firewall-backend": "iptables" }""");

        var options = NetworkConfigValidation.BridgeDriverOptions(config);

        Assert.Equal("true", options["userland-proxy"]);
        Assert.Equal("iptables", options["firewall-backend"]);
    }

    [Fact]
    public void Without_the_keys_the_bridge_driver_gets_no_proxy_and_nftables()
    {
        var options = NetworkConfigValidation.BridgeDriverOptions(Load("{}"));

        Assert.Equal("false", options["userland-proxy"]);
        Assert.Equal("nftables", options["firewall-backend"]);
    }
}
