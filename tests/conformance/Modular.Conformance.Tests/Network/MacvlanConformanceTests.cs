using Modular.Conformance.Tests.Logging;
using Modular.Sdk;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>
/// The macvlan driver through the real plugin loader, on dummy parents and namespaces the tests make (needs root):
/// parents, 802.1q sub-interfaces created and removed, endpoints joined with address, MAC and route, connectivity
/// between two endpoints, isolation between networks, and nothing left on the host.
/// </summary>
[Collection(HostNetworkCollection.Name)]
public sealed class MacvlanConformanceTests : IDisposable
{
    private readonly MacvlanTestHost _host = new();
    private readonly INetworkDriver _driver = LoggingPluginHarness.Network("Modular.Network.Macvlan", "macvlan");
    private readonly List<string> _networks = [];

    public void Dispose()
    {
        foreach (var network in _networks)
        {
            try
            {
                _driver.DeleteNetwork(network);
            }
            catch (DriverException)
            {
                // Cleaning up after a failed test: the dispose of the host's links follows anyway.
            }
        }
        _host.Dispose();
    }

    [Fact]
    public void It_declares_private_sandboxes_that_need_kernel_allocated_addresses_and_no_published_ports()
    {
        Assert.Equal("macvlan", _driver.Name);
        Assert.Equal(SandboxKind.Private, _driver.Capabilities.Sandbox);
        Assert.True(_driver.Capabilities.NeedsAddresses);
        Assert.False(_driver.Capabilities.PublishesPorts);
        Assert.True(_driver.Capabilities.UserDefinable);
    }

    [Fact]
    public void An_existing_parent_is_used_and_left_in_place_and_creation_is_idempotent()
    {
        var parent = _host.AddParent();
        var network = Network(("parent", parent));

        _driver.CreateNetwork(network);
        _driver.CreateNetwork(network);
        var operstate = File.ReadAllText($"/sys/class/net/{parent}/flags");
        _driver.DeleteNetwork(network.Id);

        Assert.True(MacvlanTestHost.LinkExists(parent));
        Assert.Equal(1, Convert.ToInt32(operstate.Trim(), 16) & 1);
    }

    [Fact]
    public void A_missing_vlan_sub_interface_is_created_on_its_link_and_removed_with_the_network()
    {
        Assert.SkipUnless(MacvlanTestHost.KernelHasVlans(), "this kernel has no 802.1q (vlan) support");
        var link = _host.AddParent();
        var parent = link + ".42";

        _driver.CreateNetwork(Network(("parent", parent)));
        var vlan = File.ReadAllText($"/proc/net/vlan/{parent}");
        _driver.DeleteNetwork(_networks[^1]);

        Assert.Contains("VID: 42", vlan);
        Assert.Contains(link, vlan);
        Assert.False(MacvlanTestHost.LinkExists(parent));
        Assert.True(MacvlanTestHost.LinkExists(link));
    }

    [Fact]
    public void An_existing_vlan_sub_interface_is_not_removed_with_the_network()
    {
        Assert.SkipUnless(MacvlanTestHost.KernelHasVlans(), "this kernel has no 802.1q (vlan) support");
        var link = _host.AddParent();
        var parent = link + ".7";
        MacvlanTestHost.Run("ip", "link", "add", "link", link, "name", parent, "type", "vlan", "id", "7");

        _driver.CreateNetwork(Network(("parent", parent)));
        _driver.DeleteNetwork(_networks[^1]);

        Assert.True(MacvlanTestHost.LinkExists(parent));
    }

    [Fact]
    public void Without_vlan_support_a_vlan_parent_is_refused_and_leaves_nothing()
    {
        Assert.SkipWhen(MacvlanTestHost.KernelHasVlans(), "this kernel has 802.1q support");
        var link = _host.AddParent();

        var error = Assert.Throws<DriverException>(() => _driver.CreateNetwork(Network(("parent", link + ".42"))));

        Assert.Equal(DriverErrorKind.NotSupported, error.Kind);
        Assert.Equal($"cannot create the 802.1q sub-interface {link}.42: this kernel has no VLAN (8021q) support", error.Message);
        Assert.False(MacvlanTestHost.LinkExists(link + ".42"));
    }

    [Fact]
    public void Without_a_parent_the_network_gets_a_dummy_of_its_own()
    {
        var network = Network();

        _driver.CreateNetwork(network);
        var dummy = "dm-" + network.Id[..12];
        var existed = MacvlanTestHost.LinkExists(dummy);
        _driver.DeleteNetwork(network.Id);

        Assert.True(existed);
        Assert.False(MacvlanTestHost.LinkExists(dummy));
        Assert.False(MacvlanTestHost.LinkExists("dp-" + network.Id[..12]));
    }

    [Theory]
    [InlineData("nosuchlink0", "-o parent interface was not found on the host: nosuchlink0")]
    [InlineData("nosuchlink0.5", "-o parent interface was not found on the host: nosuchlink0")]
    [InlineData("eth0.5000", "vlan id must be between 1-4094, received: 5000")]
    [InlineData("eth0.x", "required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received: eth0.x")]
    public void A_bad_parent_is_refused_with_dockers_message(string parent, string message)
    {
        var error = Assert.Throws<DriverException>(() => _driver.CreateNetwork(Network(("parent", parent))));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.False(MacvlanTestHost.LinkExists(parent));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        var mode = Assert.Throws<DriverException>(() => _driver.CreateNetwork(Network(("macvlan_mode", "weird"))));
        var unknown = Assert.Throws<DriverException>(() => _driver.CreateNetwork(Network(("colour", "blue"))));

        Assert.Equal("requested macvlan mode 'weird' is not valid, 'bridge' mode is the macvlan driver default", mode.Message);
        Assert.Equal("unrecognized macvlan option: colour", unknown.Message);
    }

    [Fact]
    public void Two_networks_cannot_share_a_parent()
    {
        var parent = _host.AddParent();
        _driver.CreateNetwork(Network(("parent", parent)));

        var error = Assert.Throws<DriverException>(() => _driver.CreateNetwork(Network(("parent", parent))));

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Contains($"is already using parent interface {parent}", error.Message);
    }

    [Fact]
    public void A_joined_endpoint_has_its_address_mac_and_default_route_and_leaving_removes_it()
    {
        var parent = _host.AddParent();
        var network = Network(("parent", parent));
        _driver.CreateNetwork(network);
        var sandbox = _host.AddNamespace();

        var info = _driver.CreateEndpoint(network.Id, EndpointId('1'), Endpoint("10.201.7.2/24", "10.201.7.1"));
        _driver.Join(network.Id, EndpointId('1'), sandbox);
        var link = MacvlanTestHost.Inside(sandbox, "ip", "-o", "addr", "show", "dev", "eth0");
        var details = MacvlanTestHost.Inside(sandbox, "ip", "-d", "link", "show", "dev", "eth0");
        var route = MacvlanTestHost.Inside(sandbox, "ip", "route", "show", "default");
        _driver.Leave(network.Id, EndpointId('1'));
        _driver.DeleteEndpoint(network.Id, EndpointId('1'));
        var after = MacvlanTestHost.Inside(sandbox, "ip", "-o", "link", "show");

        Assert.Equal(new EndpointInfo("10.201.7.2/24", "10.201.7.1", "02:42:0a:c9:07:02"), info);
        Assert.Contains("inet 10.201.7.2/24", link);
        Assert.Contains("link/ether 02:42:0a:c9:07:02", details);
        Assert.Contains("macvlan mode bridge", details);
        Assert.StartsWith("default via 10.201.7.1 dev eth0", route);
        Assert.DoesNotContain("eth0", after);
    }

    [Fact]
    public void Two_endpoints_on_one_network_reach_each_other_but_not_an_endpoint_of_another_network()
    {
        var before = MacvlanTestHost.HostLinks();
        var first = _host.AddParent();
        var second = _host.AddParent();
        var one = Network(("parent", first));
        var other = Network(("parent", second));
        _driver.CreateNetwork(one);
        _driver.CreateNetwork(other);
        var a = _host.AddNamespace();
        var b = _host.AddNamespace();
        var c = _host.AddNamespace();

        Attach(one, EndpointId('a'), a, "10.202.0.2/24");
        Attach(one, EndpointId('b'), b, "10.202.0.3/24");
        Attach(other, EndpointId('c'), c, "10.202.0.4/24");
        var sameNetwork = MacvlanTestHost.ExitCodeInside(a, "busybox", "ping", "-c", "1", "-W", "2", "10.202.0.3");
        var otherNetwork = MacvlanTestHost.ExitCodeInside(a, "busybox", "ping", "-c", "1", "-W", "1", "10.202.0.4");
        foreach (var (network, endpoint) in new[] { (one, 'a'), (one, 'b'), (other, 'c') })
        {
            _driver.Leave(network.Id, EndpointId(endpoint));
            _driver.DeleteEndpoint(network.Id, EndpointId(endpoint));
        }
        _driver.DeleteNetwork(one.Id);
        _driver.DeleteNetwork(other.Id);
        _host.Dispose();

        Assert.Equal(0, sameNetwork);
        Assert.NotEqual(0, otherNetwork);
        Assert.Equal(before, MacvlanTestHost.HostLinks());
    }

    private void Attach(NetworkSpec network, string endpointId, string sandbox, string address)
    {
        _driver.CreateEndpoint(network.Id, endpointId, Endpoint(address, ""));
        _driver.Join(network.Id, endpointId, sandbox);
    }

    private NetworkSpec Network(params (string Key, string Value)[] options)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _networks.Add(id);
        return new NetworkSpec(id, "mvconf-" + id[..6], options.ToDictionary(o => o.Key, o => o.Value))
        {
            Subnets = [new NetworkSubnet("10.201.7.0/24", "10.201.7.1")],
        };
    }

    private static EndpointSpec Endpoint(string address, string gateway) =>
        new(new string('c', 64), new Dictionary<string, string>()) { IPv4Address = address, Gateway = gateway };

    private static string EndpointId(char fill) => new(fill, 64);
}
