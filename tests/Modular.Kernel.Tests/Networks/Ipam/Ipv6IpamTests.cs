using Modular.Api.Models;
using Modular.Kernel.Networks;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Ipam;

/// <summary>IPv6 IPAM: subnet arithmetic, dockerd 28's ValidateIPAM messages, the engine-derived ULA pool, endpoint addresses.</summary>
public sealed class Ipv6IpamTests
{
    private static readonly List<string> Logged = [];

    private static IReadOnlyList<IpamPool> Plan(IReadOnlyList<IpamConfig> requested, IReadOnlyList<Ipv6Subnet>? taken = null,
        IReadOnlyList<Ipv6Subnet>? routes = null, string engineId = "engine") =>
        Ipv6IpamPlanner.Plan(requested, taken ?? [], routes ?? [], Ipv6IpamPlanner.DefaultPools(engineId), Logged.Add);

    private static Ipv6Subnet Subnet(string cidr) => Ipv6Subnet.TryParse(cidr)!.Value;

    [Fact]
    public void Subnets_print_canonically_and_know_containment_and_overlap()
    {
        var subnet = Subnet("fd12:3456:0000::/64");
        Assert.Equal("fd12:3456::/64", subnet.ToString());
        Assert.True(subnet.Contains(Ipv6Subnet.ParseAddress("fd12:3456::ffff:1", "test")));
        Assert.False(subnet.Contains(Ipv6Subnet.ParseAddress("fd12:3457::1", "test")));
        Assert.True(subnet.Overlaps(Subnet("fd12:3456::/80")));
        Assert.True(Subnet("fd12::/16").Overlaps(subnet));
        Assert.False(subnet.Overlaps(Subnet("fd12:3456:0:1::/64")));
        Assert.Null(Ipv6Subnet.TryParse("10.0.0.0/8"));
        Assert.Null(Ipv6Subnet.TryParse("fd12::/129"));
    }

    [Fact]
    public void A_requested_subnet_gets_its_first_address_as_gateway_unless_one_is_given()
    {
        Assert.Equal(new IpamPool("fd12:3456::/64", "fd12:3456::1"), Plan([new IpamConfig { Subnet = "fd12:3456::/64" }])[0]);
        Assert.Equal("fd12:3456::fe", Plan([new IpamConfig { Subnet = "fd12:3456::/64", Gateway = "fd12:3456::fe" }])[0].Gateway);
    }

    [Theory]
    [InlineData("fd12::/129", null, null, "invalid subnet fd12::/129: invalid CIDR block notation")]
    [InlineData("fd12::1/64", null, null, "invalid subnet fd12::1/64: it should be fd12::/64")]
    [InlineData("fd12::/64", "fd13::1", null, "invalid gateway fd13::1: parent subnet fd12::/64 doesn't contain this address")]
    [InlineData("fd12::/64", "10.0.0.1", null, "invalid gateway 10.0.0.1: parent subnet is an IPv6 block")]
    [InlineData("fd12::/64", "nonsense", null, "invalid gateway nonsense: invalid address")]
    [InlineData("fd12::/64", null, "fd12::/48", "invalid ip-range fd12::/48: CIDR block is bigger than its parent subnet fd12::/64")]
    [InlineData("fd12::/64", null, "fd13::/80", "invalid ip-range fd13::/80: parent subnet fd12::/64 doesn't contain ip-range")]
    [InlineData("fd12::/64", null, "10.0.0.0/8", "invalid ip-range 10.0.0.0/8: parent subnet is an IPv6 block")]
    public void Bad_requests_fail_with_the_APIs_validation_messages(string subnet, string? gateway, string? range, string message)
    {
        var error = Assert.Throws<DriverException>(() => Plan([new IpamConfig { Subnet = subnet, Gateway = gateway, IPRange = range }]));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid network config:\n" + message, error.Message);
    }

    [Fact]
    public void An_overlapping_subnet_is_refused_as_by_the_default_IPAM()
    {
        var error = Assert.Throws<DriverException>(() => Plan([new IpamConfig { Subnet = "fd12:3456::/80" }], [Subnet("fd12:3456::/64")]));
        Assert.Equal(DriverErrorKind.Forbidden, error.Kind);
        Assert.Equal("invalid pool request: Pool overlaps with other one on this address space", error.Message);
    }

    [Fact]
    public void The_default_pool_is_a_ULA_slash_48_from_the_engine_id_cut_into_slash_64s()
    {
        var first = Ipv6IpamPlanner.DefaultBase("engine-a");
        Assert.Equal(48, first.PrefixLength);
        Assert.StartsWith("fd", first.ToString());
        Assert.Equal(first, Ipv6IpamPlanner.DefaultBase("engine-a"));
        Assert.NotEqual(first, Ipv6IpamPlanner.DefaultBase("engine-b"));

        var pools = Ipv6IpamPlanner.DefaultPools("engine-a").Take(2).ToList();
        Assert.Equal(new Ipv6Subnet(first.Network, 64), pools[0]);
        Assert.Equal(first.Network + (UInt128.One << 64), pools[1].Network);
    }

    [Fact]
    public void Without_a_request_the_first_free_slash_64_is_taken_skipping_networks_and_host_routes()
    {
        var pools = Ipv6IpamPlanner.DefaultPools("engine").Take(3).ToList();
        var logged = new List<string>();
        var planned = Ipv6IpamPlanner.Plan([], [pools[0]], [pools[1]], Ipv6IpamPlanner.DefaultPools("engine"), logged.Add);

        var pool = Assert.Single(planned);
        Assert.Equal(pools[2].ToString(), pool.Subnet);
        Assert.Equal(Ipv6Subnet.Format(pools[2].Network + 1), pool.Gateway);
        Assert.True(pool.Dynamic);
        Assert.Contains(logged, m => m.Contains(pools[1].ToString()));
    }

    [Fact]
    public void Endpoints_get_the_first_free_address_after_the_gateway_and_their_requested_one()
    {
        var network = new NetworkRecord("n", "v6", "bridge", "local", DateTimeOffset.UtcNow, new Dictionary<string, string>(), new Dictionary<string, string>())
        {
            EnableIPv6 = true,
            Ipam = [new IpamPool("10.9.0.0/24", "10.9.0.1"), new IpamPool("fd12:3456::/64", "fd12:3456::1", AuxiliaryAddresses: new Dictionary<string, string> { ["r"] = "fd12:3456::3" })],
        };
        var first = new EndpointRecord("c1", "n") { EndpointId = "e1", IPv6Address = "fd12:3456::2/64" };

        Assert.Equal(("fd12:3456::4/64", "fd12:3456::1"), Ipv6Endpoints.Allocate(network, new EndpointRecord("c2", "n"), [first]));
        Assert.Equal(("fd12:3456::2/64", "fd12:3456::1"), Ipv6Endpoints.Allocate(network, new EndpointRecord("c2", "n"), [first with { EndpointId = "" }]));
        Assert.Equal(("fd12:3456::99/64", "fd12:3456::1"),
            Ipv6Endpoints.Allocate(network, new EndpointRecord("c2", "n") { RequestedIPv6 = "fd12:3456::99" }, [first]));
        var taken = Assert.Throws<DriverException>(() => Ipv6Endpoints.Allocate(network, new EndpointRecord("c2", "n") { RequestedIPv6 = "fd12:3456::2" }, [first]));
        Assert.Equal(DriverErrorKind.Conflict, taken.Kind);
        Assert.Equal(("", ""), Ipv6Endpoints.Allocate(network with { EnableIPv6 = false }, new EndpointRecord("c2", "n"), []));
    }

    [Fact]
    public void A_requested_ip6_is_checked_as_dockerd_checks_endpoint_settings()
    {
        var network = new NetworkRecord("n", "v6", "bridge", "local", DateTimeOffset.UtcNow, new Dictionary<string, string>(), new Dictionary<string, string>())
        {
            EnableIPv6 = true,
            Ipam = [new IpamPool("10.9.0.0/24", "10.9.0.1"), new IpamPool("fd12:3456::/64", "fd12:3456::1")],
        };
        Assert.Equal("fd12:3456::9", Ipv6Endpoints.ValidateRequested(network, "fd12:3456::9"));
        Assert.Equal("", Ipv6Endpoints.ValidateRequested(network, null));
        Assert.Equal("invalid config for network v6: invalid endpoint settings:\ninvalid IPv6 address: 10.9.0.5",
            Assert.Throws<DriverException>(() => Ipv6Endpoints.ValidateRequested(network, "10.9.0.5")).Message);
        Assert.EndsWith("\nno configured subnet or ip-range contain the IP address fd99::9",
            Assert.Throws<DriverException>(() => Ipv6Endpoints.ValidateRequested(network, "fd99::9")).Message);
        var dynamic = network with { Ipam = [new IpamPool("fd12:3456::/64", "fd12:3456::1") { Dynamic = true }] };
        Assert.EndsWith("\nuser specified IP address is supported only when connecting to networks with user configured subnets",
            Assert.Throws<DriverException>(() => Ipv6Endpoints.ValidateRequested(dynamic, "fd12:3456::9")).Message);
    }
}
