using Modular.Conformance.Tests.Logging;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The bridge driver's IPv6 plumbing through the real plugin loader, on namespaces the kit makes (needs root).</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeIpv6ConformanceTests : Ipv6NetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => LoggingPluginHarness.Network("Modular.Network.Bridge", "bridge");

    protected override string SubnetBase => "10.213.141";

    protected override string IPv6SubnetBase => "fd5e:c0f:2";

    [Fact]
    public void The_bridge_holds_the_ipv6_gateway_and_forwards_ipv6()
    {
        var driver = SupportingDriver();
        var network = Create(driver);
        var sandbox = Sandbox();
        Join(driver, network, sandbox, 12);

        var gateway = sandbox.Exec("busybox", "ping", "-6", "-c", "1", "-W", "2", $"{IPv6SubnetBase}::1");
        Assert.True(gateway.ExitCode == 0, gateway.Output);
        Assert.Equal("1", File.ReadAllText("/proc/sys/net/ipv6/conf/all/forwarding").Trim());
    }
}
