using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The bridge driver with daemon.json's <c>userland-proxy: true</c>: the kit's contract, published ports served by the proxy.</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeUserlandProxyConformanceTests : PrivateNetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => BridgeDriverConfigurations.Create(userlandProxy: true, firewallBackend: "nftables");

    protected override string SubnetBase => "10.213.124";
}
