using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Sdk.Conformance.Network;

/// <summary>
/// The contract of network drivers that plumb a private namespace with kernel-allocated addresses (e.g. bridge):
/// networks created and deleted idempotently, endpoints joined into fresh namespaces (address, MAC, default route),
/// two endpoints of a network reaching each other, two networks isolated, published ports when the driver declares
/// <see cref="NetworkCapabilities.PublishesPorts"/> (tcp and udp), and nothing left on the host (links, namespaces, nft
/// tables, MODULAR-* iptables chains, listeners on published ports). Needs root, iproute2, nft, ss and busybox (for ping
/// and nc inside the namespaces).
/// </summary>
public abstract class PrivateNetworkDriverConformance : IDisposable
{
    private readonly List<NetworkSandbox> _sandboxes = [];
    private readonly List<(INetworkDriver Driver, string NetworkId)> _networks = [];

    /// <summary>Returns the driver under test. Called once per test.</summary>
    protected abstract INetworkDriver CreateDriver();

    /// <summary>Driver options a network of this driver needs on this host (e.g. a parent interface); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string> NetworkOptions() => new Dictionary<string, string>();

    /// <summary>The first three octets of the /24 subnets the tests use; pick ones no other network on the host has.</summary>
    protected virtual string SubnetBase => "10.213.100";

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
    public void It_declares_private_sandboxes_with_kernel_allocated_addresses()
    {
        var driver = CreateDriver();

        Assert.Equal(SandboxKind.Private, driver.Capabilities.Sandbox);
        Assert.True(driver.Capabilities.NeedsAddresses);
        Assert.True(driver.Capabilities.UserDefinable);
        // It puts links into the sandbox, so the kernel must join it before the container's process runs.
        Assert.True(driver.Capabilities.ChangesSandbox);
    }

    [Fact]
    public void Creating_and_deleting_a_network_is_idempotent_and_leaves_nothing()
    {
        var driver = CreateDriver();
        var links = NetworkSandbox.HostLinkNames();
        var tables = NetworkSandbox.HostNftTables();
        var chains = NetworkSandbox.HostIptablesChains();
        var network = Network(0);

        driver.CreateNetwork(network);
        driver.CreateNetwork(network);
        driver.DeleteNetwork(network.Id);
        driver.DeleteNetwork(network.Id);

        // Only links the test added count: a veth of an earlier test may still be vanishing (the kernel destroys a
        // deleted namespace's links asynchronously), which is no leak of this one.
        Assert.Empty(NetworkSandbox.HostLinkNames().Except(links));
        Assert.Equal(tables, NetworkSandbox.HostNftTables());
        Assert.Equal(chains, NetworkSandbox.HostIptablesChains());
    }

    [Fact]
    public void A_joined_endpoint_has_its_address_mac_and_default_route_and_leaving_removes_it()
    {
        var driver = CreateDriver();
        var network = Create(driver, 1);
        var sandbox = Sandbox();
        var hostLinks = NetworkSandbox.HostLinkNames();

        var info = Join(driver, network, sandbox, 10);

        Assert.Equal($"{SubnetBase}.10/24", info.IPv4Address);
        Assert.Equal($"{SubnetBase}.1", info.Gateway);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", info.MacAddress);
        var addresses = sandbox.Exec("ip", "-o", "addr", "show").Output;
        Assert.Contains($"inet {SubnetBase}.10/24", addresses);
        Assert.Contains(info.MacAddress, sandbox.Exec("ip", "-o", "link", "show").Output);
        Assert.Contains($"default via {SubnetBase}.1", sandbox.Exec("ip", "route").Output);

        driver.Leave(network.Id, EndpointId(10));
        driver.DeleteEndpoint(network.Id, EndpointId(10));
        driver.DeleteEndpoint(network.Id, EndpointId(10));
        Assert.Equal(["lo"], sandbox.LinkNames());
        Assert.True(NetworkSandbox.HostLinkNames().Length <= hostLinks.Length);
    }

    [Fact]
    public void Two_endpoints_of_a_network_reach_each_other_and_other_networks_do_not()
    {
        var driver = CreateDriver();
        var network = Create(driver, 2);
        var other = Create(driver, 3);
        var first = Sandbox();
        var second = Sandbox();
        var stranger = Sandbox();
        Join(driver, network, first, 20);
        Join(driver, network, second, 21);
        Join(driver, other, stranger, 22);

        var reach = second.Exec("busybox", "ping", "-c", "1", "-W", "2", $"{SubnetBase}.20");
        Assert.True(reach.ExitCode == 0, reach.Output);
        var isolated = stranger.Exec("busybox", "ping", "-c", "1", "-W", "1", $"{SubnetBase}.20");
        Assert.True(isolated.ExitCode != 0, isolated.Output);
    }

    [Fact]
    public void A_published_port_forwards_host_connections_to_the_endpoint()
    {
        var driver = CreateDriver();
        Assert.SkipUnless(driver.Capabilities.PublishesPorts, "the driver does not publish ports");
        var network = Create(driver, 4);
        var sandbox = Sandbox();
        var hostPort = FreePort();
        Join(driver, network, sandbox, 30, [new PortMapping("tcp", "0.0.0.0", hostPort, 7000)]);
        using var server = sandbox.Start("busybox", "sh", "-c", "echo published | busybox nc -l -p 7000");

        var answer = "";
        for (var attempt = 0; attempt < 50 && answer.Length == 0; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, hostPort);
                answer = new StreamReader(client.GetStream()).ReadLine() ?? "";
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // Refused (DNAT to a server not listening yet).
            }
            if (answer.Length == 0)
            {
                // A proxy accepts at once and closes when the server is not there yet: wait as for a refusal.
                Thread.Sleep(100);
            }
        }
        server.Kill(entireProcessTree: true);

        Assert.Equal("published", answer);
        driver.Leave(network.Id, EndpointId(30));
        driver.DeleteEndpoint(network.Id, EndpointId(30));
        Assert.False(NetworkSandbox.HostPortInUse("tcp", hostPort), $"something still listens on published port {hostPort}");
    }

    [Fact]
    public void A_published_port_is_reachable_from_another_endpoint_through_the_gateway()
    {
        var driver = CreateDriver();
        Assert.SkipUnless(driver.Capabilities.PublishesPorts, "the driver does not publish ports");
        var network = Create(driver, 7);
        var server = Sandbox();
        var client = Sandbox();
        var hostPort = FreePort();
        Join(driver, network, server, 50, [new PortMapping("tcp", "0.0.0.0", hostPort, 7002)]);
        Join(driver, network, client, 51);
        using var listener = server.Start("busybox", "sh", "-c", "echo hairpin | busybox nc -l -p 7002");

        // Through a host address, as a container reaches a sibling's published port: DNAT and hairpin NAT, or a proxy.
        var answer = "";
        for (var attempt = 0; attempt < 30 && !answer.Contains("hairpin", StringComparison.Ordinal); attempt++)
        {
            answer = client.Exec("busybox", "nc", "-w", "2", $"{SubnetBase}.1", hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Output;
            if (!answer.Contains("hairpin", StringComparison.Ordinal))
            {
                Thread.Sleep(100);
            }
        }
        listener.Kill(entireProcessTree: true);

        Assert.Contains("hairpin", answer);
    }

    [Fact]
    public async Task A_published_udp_port_forwards_host_datagrams_and_the_replies()
    {
        var driver = CreateDriver();
        Assert.SkipUnless(driver.Capabilities.PublishesPorts, "the driver does not publish ports");
        var network = Create(driver, 6);
        var sandbox = Sandbox();
        var hostPort = FreePort();
        using var server = sandbox.BindUdp(7001);
        using var stop = new CancellationTokenSource();
        var echo = EchoUppercaseAsync(server, stop.Token);
        Join(driver, network, sandbox, 35, [new PortMapping("udp", "0.0.0.0", hostPort, 7001)]);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(IPAddress.Loopback, hostPort);
        var reply = "";
        var buffer = new byte[64];
        for (var attempt = 0; attempt < 50 && reply.Length == 0; attempt++)
        {
            client.Send("datagram"u8);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                reply = System.Text.Encoding.ASCII.GetString(buffer, 0, await client.ReceiveAsync(buffer, SocketFlags.None, wait.Token));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // Not forwarded yet (or an ICMP error from a port not yet published): send again.
            }
        }
        stop.Cancel();
        await echo;

        Assert.Equal("DATAGRAM", reply);
        driver.Leave(network.Id, EndpointId(35));
        driver.DeleteEndpoint(network.Id, EndpointId(35));
        Assert.False(NetworkSandbox.HostPortInUse("udp", hostPort), $"something is still bound to published udp port {hostPort}");
    }

    [Fact]
    public void A_full_lifecycle_leaves_no_link_namespace_or_rule_behind()
    {
        var driver = CreateDriver();
        var links = NetworkSandbox.HostLinkNames();
        var tables = NetworkSandbox.HostNftTables();
        var chains = NetworkSandbox.HostIptablesChains();
        var network = Network(5);
        var publishes = driver.Capabilities.PublishesPorts;
        var tcpPort = FreePort();
        var udpPort = FreePort();
        driver.CreateNetwork(network);
        using (var sandbox = NetworkSandbox.Create())
        {
            var ports = publishes ? [new PortMapping("tcp", "127.0.0.1", tcpPort, 80), new PortMapping("udp", "0.0.0.0", udpPort, 53)] : Array.Empty<PortMapping>();
            driver.CreateEndpoint(network.Id, EndpointId(40), Endpoint(40) with { PortBindings = ports });
            driver.Join(network.Id, EndpointId(40), sandbox.Path);
            driver.Leave(network.Id, EndpointId(40));
            driver.DeleteEndpoint(network.Id, EndpointId(40));
        }
        driver.DeleteNetwork(network.Id);

        // Only links the test added count: a veth of an earlier test may still be vanishing (the kernel destroys a
        // deleted namespace's links asynchronously), which is no leak of this one.
        Assert.Empty(NetworkSandbox.HostLinkNames().Except(links));
        Assert.Equal(tables, NetworkSandbox.HostNftTables());
        Assert.Equal(chains, NetworkSandbox.HostIptablesChains());
        Assert.False(NetworkSandbox.HostPortInUse("tcp", tcpPort), $"something still listens on published port {tcpPort}");
        Assert.False(NetworkSandbox.HostPortInUse("udp", udpPort), $"something is still bound to published udp port {udpPort}");
    }

    private NetworkSpec Network(int index) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), $"conformance-{index}", NetworkOptions())
        {
            Subnets = [new NetworkSubnet($"{SubnetFor(index)}.0/24", $"{SubnetFor(index)}.1")],
        };

    // The network under test in a case uses SubnetBase; the others of the same case use the next /24s.
    private string SubnetFor(int index) => index is 3 ? Neighbour(1) : SubnetBase;

    private string Neighbour(int offset)
    {
        var parts = SubnetBase.Split('.');
        return $"{parts[0]}.{parts[1]}.{int.Parse(parts[2]) + offset}";
    }

    private NetworkSpec Create(INetworkDriver driver, int index)
    {
        var network = Network(index);
        driver.CreateNetwork(network);
        _networks.Add((driver, network.Id));
        return network;
    }

    private NetworkSandbox Sandbox()
    {
        var sandbox = NetworkSandbox.Create();
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    private EndpointInfo Join(INetworkDriver driver, NetworkSpec network, NetworkSandbox sandbox, int host, IReadOnlyList<PortMapping>? ports = null)
    {
        var subnet = network.Subnets[0];
        var prefix = subnet.Subnet[..subnet.Subnet.LastIndexOf('.')];
        var spec = Endpoint(host) with { IPv4Address = $"{prefix}.{host}/24", Gateway = subnet.Gateway, PortBindings = ports ?? [] };
        var info = driver.CreateEndpoint(network.Id, EndpointId(host), spec);
        driver.Join(network.Id, EndpointId(host), sandbox.Path);
        return info;
    }

    private EndpointSpec Endpoint(int host) =>
        new(new string('c', 62) + host.ToString("x2"), new Dictionary<string, string>())
        {
            IPv4Address = $"{SubnetBase}.{host}/24",
            Gateway = $"{SubnetBase}.1",
        };

    private static string EndpointId(int host) => host.ToString("x2") + new string('e', 62);

    private static async Task EchoUppercaseAsync(Socket server, CancellationToken stop)
    {
        var buffer = new byte[64];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var datagram = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
                var answer = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(buffer, 0, datagram.ReceivedBytes).ToUpperInvariant());
                await server.SendToAsync(answer, SocketFlags.None, datagram.RemoteEndPoint, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
