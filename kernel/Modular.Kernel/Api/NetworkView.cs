using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;

namespace Modular.Kernel.Api;

/// <summary>A network in Docker's inspect shape, with its IPAM pools and the containers currently on it.</summary>
public static class NetworkView
{
    public static NetworkSummary Of(NetworkRecord network, ContainerService containers) => new()
    {
        Name = network.Name,
        Id = network.Id,
        Created = network.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z"),
        Scope = network.Scope,
        Driver = network.Driver,
        EnableIPv4 = true,
        EnableIPv6 = network.EnableIPv6,
        Internal = network.Internal,
        Attachable = network.Attachable,
        IPAM = new NetworkIpam
        {
            Driver = "default",
            Options = network.IsDefault ? null : new Dictionary<string, string>(),
            Config = network.Ipam.Select(p => new IpamConfig
            {
                Subnet = p.Subnet,
                Gateway = p.Gateway,
                IPRange = p.IPRange.Length > 0 ? p.IPRange : null,
                AuxiliaryAddresses = p.AuxiliaryAddresses is { Count: > 0 } aux ? aux.ToDictionary() : null,
            }).ToList(),
        },
        Containers = containers.Networking.Endpoints.OnNetwork(network.Id)
            .Where(e => e.Active)
            .Select(e => (Endpoint: e, Container: containers.Store.Find(e.ContainerId)))
            .Where(x => x.Container is not null && ContainerLifecycle.IsActive(x.Container.State.Status))
            .ToDictionary(x => x.Container!.Id, x => new NetworkEndpointResource
            {
                Name = x.Container!.Name,
                EndpointID = x.Endpoint.EndpointId,
                MacAddress = x.Endpoint.MacAddress,
                IPv4Address = x.Endpoint.IPv4Address,
                IPv6Address = x.Endpoint.IPv6Address,
            }),
        Options = network.Options.ToDictionary(),
        Labels = network.Labels.ToDictionary(),
    };
}
