using Microsoft.Extensions.Logging;
using Modular.Kernel.Containers;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// Networking of containers that kept running while the daemon was away: their endpoints go back to their drivers
/// before the networks are re-created (so nothing of theirs is swept as stale), their published ports are reserved
/// again, and, once the networks exist, their embedded DNS resolver serves again.
/// </summary>
public sealed class SurvivingEndpoints(NetworkStore networks, EndpointStore endpoints, HostPorts hostPorts, ContainerNetworking networking,
    ILogger<SurvivingEndpoints> logger)
{
    /// <summary>Before <see cref="NetworkStore.Initialize"/>.</summary>
    public void HandBack(IReadOnlyCollection<Container> live)
    {
        foreach (var container in live)
        {
            var records = endpoints.OfContainer(container.Id).Where(r => r.Active && r.EndpointId.Length > 0).ToList();
            var ports = records.SelectMany(r => r.Ports).ToList();
            if (ports.Count > 0)
            {
                try
                {
                    hostPorts.Reserve(container.Id, ports.Select(p => new PortRequest(p.Protocol, p.ContainerPort, p.HostIp, p.HostPort, p.HostPort)).ToList());
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not reserve the published ports of {Container} again", container.ShortId);
                }
            }
            foreach (var record in records)
            {
                if (networks.Find(record.NetworkId) is not { } network || networks.DriverOf(network) is not IEndpointRestore driver)
                {
                    continue;
                }
                try
                {
                    driver.RestoreEndpoint(network.Id, record.EndpointId, record.ToSpec(record.MacAddress, hostPorts.SocketsOf(container.Id)));
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not hand endpoint {Endpoint} of {Container} back to its driver", record.EndpointId[..12], container.ShortId);
                }
            }
        }
    }

    /// <summary>After the networks are re-created: name resolution for the survivors.</summary>
    public void Resume(IReadOnlyCollection<Container> live)
    {
        foreach (var container in live.Where(c => c.State.Pid > 0))
        {
            try
            {
                networking.Dns.Attached(container, ContainerNetworking.SandboxKeyOf(container.State.Pid));
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not restart the DNS resolver of {Container}", container.ShortId);
            }
        }
    }
}
