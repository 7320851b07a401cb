using Modular.Api.Models;
using Modular.Kernel.Networks;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Ipam;

/// <summary>Ports on IPv6 host addresses: parsing, the [::] twin of an unaddressed port, and its reservation.</summary>
public sealed class Ipv6PortTests
{
    private static IReadOnlyList<PortRequest> Requests(params (string HostIp, string HostPort)[] bindings) =>
        PortRequests.From(new ContainerConfig(), new HostConfig
        {
            PortBindings = new() { ["80/tcp"] = bindings.Select(b => new PortBinding { HostIp = b.HostIp, HostPort = b.HostPort }).ToList() },
        });

    [Fact]
    public void IPv6_host_addresses_are_accepted_bracketed_or_not_and_printed_canonically()
    {
        var requests = Requests(("[::1]", "8080"), ("fd00:0::2", "8081"), ("", "8082"));

        Assert.Equal(["::1", "fd00::2", "0.0.0.0"], requests.Select(r => r.HostIp));
        Assert.Equal([false, false, true], requests.Select(r => r.AnyHostAddress));
        Assert.Throws<DriverException>(() => Requests(("fd00::zz", "8080")));
    }

    [Fact]
    public void On_an_IPv6_network_only_unaddressed_ports_get_a_twin_on_every_IPv6_address()
    {
        var requests = Requests(("127.0.0.1", "8080"), ("", "8081"));

        Assert.Equal(2, PortRequests.WithIPv6Twins(requests, ipv6: false).Count);
        var twin = Assert.Single(PortRequests.WithIPv6Twins(requests, ipv6: true).Skip(2));
        Assert.Equal(("::", 8081), (twin.HostIp, twin.HostPortFirst));
    }

    [Fact]
    public void The_twin_of_an_ephemeral_port_gets_the_same_number_and_both_are_released()
    {
        var hostPorts = new HostPorts();
        var container = new string('a', 64);
        var mappings = hostPorts.Reserve(container, PortRequests.WithIPv6Twins(Requests(("", "")), ipv6: true));
        try
        {
            Assert.Equal(["0.0.0.0", "::"], mappings.Select(m => m.HostIp));
            Assert.NotEqual(0, mappings[0].HostPort);
            Assert.Equal(mappings[0].HostPort, mappings[1].HostPort);
        }
        finally
        {
            hostPorts.Release(container);
        }
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.DualMode = false;
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Any, mappings[1].HostPort));
    }
}
