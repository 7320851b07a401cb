using Modular.Conformance.Tests.Logging;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The macvlan driver's IPv6 plumbing through the real plugin loader, on its own dummy parent (needs root).</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class MacvlanIpv6ConformanceTests : Ipv6NetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => LoggingPluginHarness.Network("Modular.Network.Macvlan", "macvlan");

    protected override string SubnetBase => "10.213.142";

    protected override string IPv6SubnetBase => "fd5e:c0f:3";
}
