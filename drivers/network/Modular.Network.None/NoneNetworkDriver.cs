using Modular.Sdk.Network;

namespace Modular.Network.None;

/// <summary>
/// Containers on the <c>none</c> network get a private network namespace, which the kernel creates with loopback
/// only. The driver adds nothing to it, so every operation has nothing to do.
/// </summary>
public sealed class NoneNetworkDriver : INetworkDriver
{
    public const string DriverName = "none";

    private static readonly EndpointInfo NoAddresses = new();

    public string Name => DriverName;

    public NetworkCapabilities Capabilities { get; } = new(SandboxKind.Private, "local", UserDefinable: false) { ChangesSandbox = false };

    public void CreateNetwork(NetworkSpec network)
    {
        // No host-side resources: nothing to create, so re-creating after a restart is trivially idempotent.
    }

    public void DeleteNetwork(string networkId)
    {
        // Nothing was created.
    }

    public EndpointInfo CreateEndpoint(string networkId, string endpointId, EndpointSpec endpoint) => NoAddresses;

    public void DeleteEndpoint(string networkId, string endpointId)
    {
        // Nothing was allocated.
    }

    public void Join(string networkId, string endpointId, string sandboxKey)
    {
        // The namespace keeps only the loopback interface the kernel brought up.
    }

    public void Leave(string networkId, string endpointId)
    {
        // Nothing was moved into the namespace.
    }
}
