using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The bridge driver with daemon.json's <c>firewall-backend: iptables</c>: the kit's contract with the rules in MODULAR-* chains.</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeIptablesConformanceTests : PrivateNetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => BridgeDriverConfigurations.Create(userlandProxy: false, firewallBackend: "iptables");

    protected override string SubnetBase => "10.213.128";
}
