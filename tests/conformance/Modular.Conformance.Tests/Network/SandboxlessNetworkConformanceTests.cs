using Modular.Conformance.Tests.Logging;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Network;
using Xunit;

namespace Modular.Conformance.Tests.Network;

[Collection(HostNetworkCollection.Name)]
public sealed class NoneNetworkConformanceTests : SandboxlessNetworkDriverConformance
{
    protected override string ExpectedName => "none";

    protected override SandboxKind ExpectedSandbox => SandboxKind.Private;

    protected override INetworkDriver CreateDriver() => LoggingPluginHarness.Network("Modular.Network.None", "none");
}

[Collection(HostNetworkCollection.Name)]
public sealed class HostNetworkConformanceTests : SandboxlessNetworkDriverConformance
{
    protected override string ExpectedName => "host";

    protected override SandboxKind ExpectedSandbox => SandboxKind.Host;

    protected override INetworkDriver CreateDriver() => LoggingPluginHarness.Network("Modular.Network.Host", "host");
}
