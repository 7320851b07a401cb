using Modular.Sdk.Network;

namespace Modular.Network.Host;

/// <summary>
/// Containers on the <c>host</c> network share the host's network namespace: there is no sandbox to plumb, no
/// address to allocate, and nothing on the host to create or remove.
/// </summary>
public sealed class HostNetworkDriver : INetworkDriver
{
    public const string DriverName = "host";

    private static readonly EndpointInfo NoAddresses = new();

    public string Name => DriverName;

    public NetworkCapabilities Capabilities { get; } = new(SandboxKind.Host, "local", UserDefinable: false) { ChangesSandbox = false };

    public void CreateNetwork(NetworkSpec network)
    {
        // The host's own network is the network: nothing to create.
    }

    public void DeleteNetwork(string networkId)
    {
        // The host's network outlives every container.
    }

    public EndpointInfo CreateEndpoint(string networkId, string endpointId, EndpointSpec endpoint) => NoAddresses;

    public void DeleteEndpoint(string networkId, string endpointId)
    {
        // Nothing was allocated.
    }

    public void Join(string networkId, string endpointId, string sandboxKey)
    {
        // The container already runs in the host's namespace.
    }

    public void Leave(string networkId, string endpointId)
    {
        // Nothing was moved.
    }
}
