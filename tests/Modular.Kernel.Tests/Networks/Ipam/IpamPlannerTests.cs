using Modular.Api.Models;
using Modular.Kernel.Networks;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Ipam;

public sealed class IpamPlannerTests
{
    private static readonly List<string> Logged = [];

    private static IReadOnlyList<IpamPool> Plan(IReadOnlyList<IpamConfig>? requested, IReadOnlyList<Ipv4Subnet>? taken = null, IReadOnlyList<Ipv4Subnet>? routes = null) =>
        IpamPlanner.Plan(requested, taken ?? [], routes ?? [], Logged.Add);

    [Fact]
    public void Without_a_request_the_first_default_pool_free_of_networks_and_host_routes_is_taken_and_skips_are_logged()
    {
        var logged = new List<string>();
        var pools = IpamPlanner.Plan(null, [Ipv4Subnet.Parse("172.17.0.0/16")], [Ipv4Subnet.Parse("172.18.5.0/24")], logged.Add);

        Assert.Equal([new IpamPool("172.19.0.0/16", "172.19.0.1")], pools);
        Assert.Contains(logged, m => m.Contains("172.18.0.0/16") && m.Contains("172.18.5.0/24"));
    }

    [Fact]
    public void After_the_172_pools_come_192_168_slash_20_pieces()
    {
        var taken = Enumerable.Range(17, 15).Select(i => Ipv4Subnet.Parse($"172.{i}.0.0/16")).ToList();

        Assert.Equal("192.168.0.0/20", Plan(null, taken)[0].Subnet);
    }

    [Fact]
    public void A_requested_subnet_gets_its_first_address_as_gateway_unless_one_is_given()
    {
        Assert.Equal(new IpamPool("10.1.0.0/24", "10.1.0.1"), Plan([new IpamConfig { Subnet = "10.1.0.0/24" }])[0]);
        Assert.Equal("10.1.0.254", Plan([new IpamConfig { Subnet = "10.1.0.0/24", Gateway = "10.1.0.254" }])[0].Gateway);
    }

    [Theory]
    [InlineData("10.1.0.0/33", null, null, "invalid CIDR address: 10.1.0.0/33")]
    [InlineData("nonsense", null, null, "invalid CIDR address: nonsense")]
    [InlineData("10.1.0.5/24", null, null, "invalid subnet 10.1.0.5/24: it should be 10.1.0.0/24")]
    [InlineData("10.1.0.0/24", "10.2.0.1", null, "no matching subnet for gateway 10.2.0.1")]
    [InlineData("10.1.0.0/24", null, "10.1.1.0/25", "no matching subnet for range 10.1.1.0/25")]
    public void Bad_requests_fail_with_dockers_messages(string subnet, string? gateway, string? range, string message)
    {
        var error = Assert.Throws<DriverException>(() => Plan([new IpamConfig { Subnet = subnet, Gateway = gateway, IPRange = range }]));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_overlapping_subnet_is_forbidden()
    {
        var error = Assert.Throws<DriverException>(() => Plan([new IpamConfig { Subnet = "10.1.0.128/25" }], [Ipv4Subnet.Parse("10.1.0.0/24")]));

        Assert.Equal(DriverErrorKind.Forbidden, error.Kind);
        Assert.Equal("invalid pool request: Pool overlaps with other one on this address space", error.Message);
    }

    [Fact]
    public void Bip_gives_the_subnet_and_keeps_its_address_as_gateway()
    {
        Assert.Equal(new IpamPool("10.200.0.0/24", "10.200.0.7"), IpamPlanner.FromBip("10.200.0.7/24"));
    }

    [Fact]
    public void Candidates_skip_network_broadcast_gateway_and_aux_addresses_and_stay_in_the_range()
    {
        var pool = new IpamPool("10.1.0.0/29", "10.1.0.1", AuxiliaryAddresses: new Dictionary<string, string> { ["r"] = "10.1.0.3" });
        Assert.Equal(["10.1.0.2", "10.1.0.4", "10.1.0.5", "10.1.0.6"], pool.Candidates().Select(Ipv4Subnet.Format));

        var ranged = new IpamPool("10.1.0.0/24", "10.1.0.1", IPRange: "10.1.0.252/30");
        Assert.Equal(["10.1.0.252", "10.1.0.253", "10.1.0.254"], ranged.Candidates().Select(Ipv4Subnet.Format));
    }
}
