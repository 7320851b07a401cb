namespace Modular.Sdk.Network;

/// <summary>
/// A network driver, shaped after libnetwork's driver API.
/// <para>Lifecycle: <see cref="CreateNetwork"/> once per network (also again at daemon start for every persisted
/// network, so it must be idempotent); per container, <see cref="CreateEndpoint"/> then <see cref="Join"/> with the
/// container's network namespace, and at stop <see cref="Leave"/> then <see cref="DeleteEndpoint"/>;
/// <see cref="DeleteNetwork"/> once no endpoint remains.</para>
/// </summary>
public interface INetworkDriver
{
    /// <summary>The driver's name as users select it, e.g. <c>bridge</c>.</summary>
    string Name { get; }

    /// <summary>How containers on this driver's networks get their network namespace, and the driver's scope.</summary>
    NetworkCapabilities Capabilities { get; }

    /// <summary>Creates (or re-creates after a daemon restart) the network's host-side resources.</summary>
    void CreateNetwork(NetworkSpec network);

    /// <summary>Removes the network's host-side resources.</summary>
    void DeleteNetwork(string networkId);

    /// <summary>Allocates what a container needs on the network (interfaces, addresses) and reports it.</summary>
    EndpointInfo CreateEndpoint(string networkId, string endpointId, EndpointSpec endpoint);

    /// <summary>Frees what <see cref="CreateEndpoint"/> allocated. Deleting a missing endpoint is not an error.</summary>
    void DeleteEndpoint(string networkId, string endpointId);

    /// <summary>Moves the endpoint into the sandbox (a network namespace path, e.g. <c>/run/modular/netns/abc</c>).</summary>
    void Join(string networkId, string endpointId, string sandboxKey);

    /// <summary>Takes the endpoint out of its sandbox.</summary>
    void Leave(string networkId, string endpointId);
}
