using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// <c>docker network connect</c>, <c>disconnect</c> and <c>prune</c> with dockerd's rules and messages: a running
/// container is plumbed at once, a stopped one joins at its next start; containers sharing the host's namespace (or
/// another container's) cannot change networks; a container is on a network at most once.
/// </summary>
public static class NetworkConnections
{
    public static async Task ConnectAsync(ContainerService containers, string networkReference, NetworkConnectRequest request, CancellationToken cancellationToken)
    {
        var network = containers.Networks.Get(networkReference);
        var container = containers.Store.Get(request.Container);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            var networking = containers.Networking;
            var current = networking.Endpoints.OfContainer(container.Id);
            if (current.Any(r => r.NetworkId == network.Id))
            {
                throw new DriverException(DriverErrorKind.Forbidden, $"endpoint with name {container.Name} already exists in network {network.Name}");
            }
            var mode = container.HostConfig.NetworkMode;
            if (mode.StartsWith("container:", StringComparison.Ordinal))
            {
                throw DriverException.InvalidArgument("container sharing network namespace with another container or host cannot be connected to any other network");
            }
            var driver = containers.Networks.DriverOf(network);
            if (driver.Capabilities.Sandbox == SandboxKind.Host || containers.UsesHostNetwork(container))
            {
                throw DriverException.InvalidArgument("container cannot be disconnected from host network or connected to host network");
            }
            if (!driver.Capabilities.NeedsAddresses || current.Any(r => containers.Networks.Find(r.NetworkId) is { } n && !containers.Networks.DriverOf(n).Capabilities.NeedsAddresses))
            {
                throw DriverException.InvalidArgument("container cannot be connected to multiple networks with one of the networks in private (none) mode");
            }
            var settings = request.EndpointConfig;
            var requested = settings?.IPAMConfig?.IPv4Address ?? "";
            if (requested.Length > 0)
            {
                if (network.IsDefault)
                {
                    throw DriverException.InvalidArgument("user specified IP address is supported on user defined networks only");
                }
                var address = Ipv4Subnet.ParseAddress(requested, "IPv4");
                if (!network.Ipam.Any(p => !p.IsIPv6 && p.ParsedSubnet.Contains(address)))
                {
                    throw DriverException.InvalidArgument($"invalid IPv4 address: {requested}: no configured subnet contains it");
                }
            }
            var requested6 = Ipv6Endpoints.ValidateRequested(network, settings?.IPAMConfig?.IPv6Address);
            var aliases = network.IsDefault ? [] : settings?.Aliases ?? [];
            var record = new EndpointRecord(container.Id, network.Id)
            {
                RequestedIPv4 = requested,
                RequestedIPv6 = requested6,
                RequestedMacAddress = MacAddresses.Validate(settings?.MacAddress ?? ""),
                Aliases = aliases,
            };
            var running = ContainerLifecycle.IsActive(container.State.Status) ? container.State.Pid : 0;
            networking.Connect(container, record, running);
            containers.Store.Save(container);
        }
        finally
        {
            handle.Lock.Release();
        }
        PublishNetworkEvent(containers, "connect", network, container);
    }

    public static async Task DisconnectAsync(ContainerService containers, string networkReference, NetworkDisconnectRequest request, CancellationToken cancellationToken)
    {
        var network = containers.Networks.Get(networkReference);
        var container = containers.Store.Get(request.Container);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (containers.UsesHostNetwork(container) && containers.Networks.DriverOf(network).Capabilities.Sandbox == SandboxKind.Host)
            {
                throw DriverException.InvalidArgument("cannot disconnect container from host network - container was created in host network mode");
            }
            if (!containers.Networking.Endpoints.OfContainer(container.Id).Any(r => r.NetworkId == network.Id))
            {
                throw DriverException.InvalidArgument($"container {container.Id} is not connected to the network {network.Name}");
            }
            containers.Networking.Disconnect(container, network.Id);
            containers.Store.Save(container);
        }
        finally
        {
            handle.Lock.Release();
        }
        PublishNetworkEvent(containers, "disconnect", network, container);
    }

    /// <summary>Removes the user-defined networks no container is attached to (running or not) that pass the filters.</summary>
    public static NetworkPruneResponse Prune(ContainerService containers, NetworkFilters filters)
    {
        var deleted = new List<string>();
        foreach (var network in containers.Networks.All.Where(n => !NetworkFilters.IsPredefined(n)))
        {
            if (containers.Networking.Endpoints.OnNetwork(network.Id).Count > 0 || !filters.Matches(network, inUse: false))
            {
                continue;
            }
            try
            {
                containers.Networks.Remove(network);
                deleted.Add(network.Name);
                containers.Events.Publish(new Events.EngineEvent("network", "destroy", network.Id,
                    new Dictionary<string, string> { ["name"] = network.Name, ["type"] = network.Driver }, DateTimeOffset.UtcNow));
            }
            catch (DriverException)
            {
                // Attached meanwhile or refused by its driver: it stays, as dockerd's prune skips what it cannot remove.
            }
        }
        return new NetworkPruneResponse { NetworksDeleted = deleted };
    }

    private static void PublishNetworkEvent(ContainerService containers, string action, NetworkRecord network, Container container) =>
        containers.Events.Publish(new Events.EngineEvent("network", action, network.Id,
            new Dictionary<string, string> { ["container"] = container.Id, ["name"] = network.Name, ["type"] = network.Driver },
            DateTimeOffset.UtcNow));
}
