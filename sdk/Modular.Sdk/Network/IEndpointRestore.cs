namespace Modular.Sdk.Network;

/// <summary>
/// Implemented by a network driver whose endpoints can outlive the daemon. Containers keep running while the daemon
/// restarts (their shim holds them); at its next start the daemon hands each surviving endpoint back to its driver
/// before it re-creates the networks, so the driver keeps the endpoint's links and rules instead of sweeping them as
/// stale. A driver that does not implement it loses nothing it cannot rebuild: its endpoints live in the container's
/// namespace only.
/// </summary>
public interface IEndpointRestore
{
    /// <summary>
    /// Takes back, as joined, an endpoint that was created and joined by an earlier run of the daemon and whose
    /// container still runs. Called before <see cref="INetworkDriver.CreateNetwork"/> of its network.
    /// </summary>
    void RestoreEndpoint(string networkId, string endpointId, EndpointSpec endpoint);
}
