using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Sdk.Conformance.Network;

/// <summary>
/// The IPv6 contract of drivers that declare <see cref="NetworkCapabilities.SupportsIPv6"/> (every test skips for the
/// others): a network with <see cref="NetworkSpec.IPv6Subnets"/> beside its IPv4 subnet, endpoints joined with
/// <see cref="EndpointSpec.IPv6Address"/> get that address (usable at once: no duplicate address detection delay) and a
/// default IPv6 route through the gateway, reach each other over IPv6 while keeping IPv4, a port
/// published on the host's IPv6 addresses (<c>::</c>) forwards when the driver also declares
/// <see cref="NetworkCapabilities.PublishesPorts"/>, and deleting everything leaves no link, namespace, nft table or
/// IPv6 gateway address behind. Needs root, iproute2, nft and busybox.
/// </summary>
public abstract class Ipv6NetworkDriverConformance : IDisposable
{
    private readonly List<NetworkSandbox> _sandboxes = [];
    private readonly List<(INetworkDriver Driver, string NetworkId)> _networks = [];

    /// <summary>Returns the driver under test. Called once per test.</summary>
    protected abstract INetworkDriver CreateDriver();

    /// <summary>Driver options a network of this driver needs on this host (e.g. a parent interface); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string> NetworkOptions() => new Dictionary<string, string>();

    /// <summary>The first three octets of the IPv4 /24 the tests use; pick one no other network on the host has.</summary>
    protected virtual string SubnetBase => "10.213.140";

    /// <summary>The first 48 bits of the IPv6 /64 the tests use (e.g. <c>fd5e:c0f:1</c>); pick one no other network on the host has.</summary>
    protected virtual string IPv6SubnetBase => "fd5e:c0f:1";

    /// <summary>Removes what a failed test left: endpoints' namespaces, then the networks.</summary>
    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }
        foreach (var (driver, networkId) in _networks)
        {
            try
            {
                driver.DeleteNetwork(networkId);
            }
            catch (DriverException)
            {
                // Already gone or half-made: the assertions of the test have reported it.
            }
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void An_ipv6_endpoint_gets_its_address_and_route_and_reaches_its_neighbour()
    {
        var driver = SupportingDriver();
        var network = Create(driver);
        var first = Sandbox();
        var second = Sandbox();
        Join(driver, network, first, 10);
        Join(driver, network, second, 11);

        var address = Assert.Single(first.Exec("ip", "-o", "-6", "addr", "show").Output.Split('\n'), l => l.Contains($"inet6 {IPv6SubnetBase}::a/64"));
        Assert.DoesNotContain("tentative", address);
        Assert.Contains($"default via {IPv6SubnetBase}::1", first.Exec("ip", "-6", "route").Output);
        Assert.Contains($"inet {SubnetBase}.10/24", first.Exec("ip", "-o", "-4", "addr", "show").Output);

        var neighbour = second.Exec("busybox", "ping", "-6", "-c", "1", "-W", "2", $"{IPv6SubnetBase}::a");
        Assert.True(neighbour.ExitCode == 0, neighbour.Output);
        var ipv4 = second.Exec("busybox", "ping", "-c", "1", "-W", "2", $"{SubnetBase}.10");
        Assert.True(ipv4.ExitCode == 0, ipv4.Output);
    }

    [Fact]
    public void A_port_published_on_the_hosts_ipv6_addresses_forwards_to_the_endpoints_ipv6_address()
    {
        var driver = SupportingDriver();
        Assert.SkipUnless(driver.Capabilities.PublishesPorts, "the driver does not publish ports");
        var hostAddress = HostGlobalIPv6Address();
        Assert.SkipWhen(hostAddress is null, "the host has no global IPv6 address to publish on");
        var network = Create(driver);
        var sandbox = Sandbox();
        var hostPort = FreePort();
        Join(driver, network, sandbox, 30, [new PortMapping("tcp", "::", hostPort, 7000)]);
        using var server = sandbox.Start("busybox", "sh", "-c", "echo published6 | busybox nc -l -p 7000");

        var answer = "";
        for (var attempt = 0; attempt < 50 && answer.Length == 0; attempt++)
        {
            try
            {
                using var client = new TcpClient(AddressFamily.InterNetworkV6);
                client.Connect(hostAddress!, hostPort);
                answer = new StreamReader(client.GetStream()).ReadLine() ?? "";
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        server.Kill(entireProcessTree: true);

        Assert.Equal("published6", answer);
    }

    [Fact]
    public void A_full_ipv6_lifecycle_leaves_no_link_rule_or_address_behind()
    {
        var driver = SupportingDriver();
        var network = Network();
        driver.CreateNetwork(network);
        driver.CreateNetwork(network);
        using (var sandbox = NetworkSandbox.Create())
        {
            var ports = driver.Capabilities.PublishesPorts ? [new PortMapping("tcp", "::", FreePort(), 80)] : Array.Empty<PortMapping>();
            driver.CreateEndpoint(network.Id, EndpointId(40), Endpoint(40) with { PortBindings = ports });
            driver.Join(network.Id, EndpointId(40), sandbox.Path);
            driver.Leave(network.Id, EndpointId(40));
            driver.DeleteEndpoint(network.Id, EndpointId(40));
        }
        driver.DeleteNetwork(network.Id);
        driver.DeleteNetwork(network.Id);

        // Other programs may add links and tables meanwhile: only what carries this network's or endpoint's id counts.
        var ours = new[] { network.Id[..10], EndpointId(40)[..10] };
        Assert.DoesNotContain(NetworkSandbox.HostLinkNames(), name => ours.Any(id => name.Contains(id, StringComparison.Ordinal)));
        Assert.DoesNotContain(NetworkSandbox.HostNftTables(), table => ours.Any(id => table.Contains(id, StringComparison.Ordinal)));
        Assert.DoesNotContain($"{IPv6SubnetBase}::1/64", NetworkSandbox.Host("ip", "-o", "-6", "addr", "show"));
    }

    /// <summary>The driver under test, skipping the test when it does not declare IPv6 support.</summary>
    protected INetworkDriver SupportingDriver()
    {
        var driver = CreateDriver();
        Assert.SkipUnless(driver.Capabilities.SupportsIPv6, "the driver does not declare IPv6 support");
        return driver;
    }

    private NetworkSpec Network() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "conformance-ipv6", NetworkOptions())
        {
            Subnets = [new NetworkSubnet($"{SubnetBase}.0/24", $"{SubnetBase}.1")],
            IPv6Subnets = [new NetworkSubnet($"{IPv6SubnetBase}::/64", $"{IPv6SubnetBase}::1")],
        };

    /// <summary>Creates the test network (IPv4 /24 and IPv6 /64), deleted when the test ends.</summary>
    protected NetworkSpec Create(INetworkDriver driver)
    {
        var network = Network();
        driver.CreateNetwork(network);
        _networks.Add((driver, network.Id));
        return network;
    }

    /// <summary>A fresh network namespace, deleted when the test ends.</summary>
    protected NetworkSandbox Sandbox()
    {
        var sandbox = NetworkSandbox.Create();
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    /// <summary>Creates and joins endpoint <paramref name="host"/>: addresses <c>.host</c> and <c>::host</c> (hex).</summary>
    protected void Join(INetworkDriver driver, NetworkSpec network, NetworkSandbox sandbox, int host, IReadOnlyList<PortMapping>? ports = null)
    {
        driver.CreateEndpoint(network.Id, EndpointId(host), Endpoint(host) with { PortBindings = ports ?? [] });
        driver.Join(network.Id, EndpointId(host), sandbox.Path);
    }

    private EndpointSpec Endpoint(int host) =>
        new(new string('c', 62) + host.ToString("x2"), new Dictionary<string, string>())
        {
            IPv4Address = $"{SubnetBase}.{host}/24",
            Gateway = $"{SubnetBase}.1",
            IPv6Address = $"{IPv6SubnetBase}::{host:x}/64",
            IPv6Gateway = $"{IPv6SubnetBase}::1",
        };

    private static string EndpointId(int host) => host.ToString("x2") + new string('6', 62);

    private static IPAddress? HostGlobalIPv6Address() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback
                && !Directory.Exists($"/sys/class/net/{n.Name}/bridge"))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal && !IPAddress.IsLoopback(a));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
