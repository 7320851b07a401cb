using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

/// <summary>The bridge driver's IPv6 networks with <c>firewall-backend: iptables</c>: NAT66, isolation and DNAT in ip6tables chains.</summary>
[Collection(HostNetworkCollection.Name)]
public sealed class BridgeIptablesIpv6ConformanceTests : Ipv6NetworkDriverConformance
{
    protected override INetworkDriver CreateDriver() => BridgeDriverConfigurations.Create(userlandProxy: false, firewallBackend: "iptables");

    protected override string SubnetBase => "10.213.143";

    protected override string IPv6SubnetBase => "fd5e:c0f:4";
}
