using Modular.Conformance.Tests.Logging;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The bridge driver through the real plugin loader, on namespaces the kit makes (needs root).</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeConformanceTests : PrivateNetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => LoggingPluginHarness.Network("Modular.Network.Bridge", "bridge");

    protected override string SubnetBase => "10.213.120";
}
