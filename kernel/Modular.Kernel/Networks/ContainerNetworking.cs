using Microsoft.Extensions.Logging;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks.Dns;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// Connects containers to their networks around the runtime's create/start: between <c>runc create</c> (init waits)
/// and <c>runc start</c> the kernel allocates each endpoint's address (IPAM) and host ports, then asks the driver to
/// CreateEndpoint and Join the sandbox <c>/proc/&lt;init pid&gt;/ns/net</c>; at exit it Leaves, deletes the endpoint and
/// releases the address and ports. Attachments are persisted before any driver call, so a daemon that dies midway
/// finds them at its next start and releases them (<see cref="ReleaseAll"/>).
/// </summary>
public sealed class ContainerNetworking(NetworkStore networks, EndpointStore endpoints, HostPorts hostPorts, ContainerStore containers,
    ILoggerFactory loggers, ILogger<ContainerNetworking> logger)
{
    private readonly object _ipamLock = new();

    public EndpointStore Endpoints => endpoints;

    /// <summary>The /etc/hosts addresses and the embedded DNS resolver of joined containers.</summary>
    public Dns.ContainerDns Dns { get; } = new(networks, endpoints, containers, loggers.CreateLogger<Dns.ContainerDns>());

    /// <summary>The sandbox key of a container whose init has the given pid.</summary>
    public static string SandboxKeyOf(int pid) => $"/proc/{pid}/ns/net";

    /// <summary>Records the container's network (and its <c>--ip</c>) at create, checking what dockerd checks.</summary>
    public void Register(string containerId, ContainerConfig config, HostConfig host, NetworkingConfig? networking)
    {
        var network = networks.Get(host.NetworkMode);
        PortRequests.From(config, host);
        // The CLI keys the settings by the network as the user named it ("default" for the default bridge).
        var settings = networking?.EndpointsConfig is { } configs
            ? configs.FirstOrDefault(c => c.Key == network.Name || c.Key == network.Id
                || (c.Key == "default" && network.IsDefault) || networks.Find(c.Key)?.Id == network.Id).Value
            : null;
        var requested = settings?.IPAMConfig?.IPv4Address ?? "";
        if (requested.Length > 0)
        {
            if (network.IsDefault || network.Ipam.All(p => p.IsIPv6))
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
        var mac = MacAddresses.Validate(settings?.MacAddress is { Length: > 0 } endpointMac ? endpointMac : config.MacAddress ?? "");
        endpoints.Put(new EndpointRecord(containerId, network.Id)
        {
            RequestedIPv4 = requested, RequestedIPv6 = requested6, RequestedMacAddress = mac, Aliases = settings?.Aliases ?? [],
        });
    }

    public void Forget(string containerId) => endpoints.RemoveContainer(containerId);

    /// <summary>
    /// Whether something must be put into the container's network namespace before its process runs: a driver whose
    /// Join changes the namespace, or the embedded resolver, which must listen before the first lookup.
    /// </summary>
    public bool NeedsPlumbingBeforeStart(Container container) =>
        endpoints.OfContainer(container.Id).Any(record => networks.Find(record.NetworkId) is not { } network
            || networks.DriverOf(network).Capabilities.ChangesSandbox || ContainerDns.HasEmbeddedResolver(network));

    /// <summary>Creates and joins every endpoint of the container; on any failure, undoes what was done and rethrows.</summary>
    public void Attach(Container container, int initPid)
    {
        var sandboxKey = SandboxKeyOf(initPid);
        try
        {
            var first = true;
            foreach (var record in endpoints.OfContainer(container.Id))
            {
                AttachOne(container, record, sandboxKey, publishPorts: first);
                first = false;
            }
            Dns.Attached(container, sandboxKey);
        }
        catch
        {
            Detach(container.Id);
            throw;
        }
    }

    /// <summary>
    /// <c>network connect</c> of a running container: records the attachment, creates and joins its endpoint in the
    /// container's live sandbox and refreshes its name resolution; on failure nothing of it remains.
    /// </summary>
    public void Connect(Container container, EndpointRecord record, int initPid)
    {
        endpoints.Put(record);
        if (initPid == 0)
        {
            return;
        }
        var sandboxKey = SandboxKeyOf(initPid);
        try
        {
            AttachOne(container, record, sandboxKey, publishPorts: false);
            Dns.Attached(container, sandboxKey);
        }
        catch
        {
            Disconnect(container, record.NetworkId);
            throw;
        }
    }

    /// <summary><c>network disconnect</c>: leaves and deletes the endpoint if live, forgets the attachment, refreshes name resolution.</summary>
    public void Disconnect(Container container, string networkId)
    {
        var record = endpoints.OfContainer(container.Id).FirstOrDefault(r => r.NetworkId == networkId);
        if (record is null)
        {
            return;
        }
        if (record.Active && networks.Find(networkId) is { } network)
        {
            var driver = networks.DriverOf(network);
            Try(() => driver.Leave(network.Id, record.EndpointId), "leave", record);
            Try(() => driver.DeleteEndpoint(network.Id, record.EndpointId), "delete endpoint", record);
        }
        endpoints.Change(list => list.RemoveAll(r => r.ContainerId == container.Id && r.NetworkId == networkId));
        if (record.Active)
        {
            Dns.Refresh(container);
        }
    }

    private void AttachOne(Container container, EndpointRecord record, string sandboxKey, bool publishPorts)
    {
        var network = networks.Get(record.NetworkId);
        var driver = networks.DriverOf(network);
        var ports = publishPorts && driver.Capabilities.PublishesPorts
            ? hostPorts.Reserve(container.Id, PortRequests.WithIPv6Twins(PortRequests.From(container.Config, container.HostConfig),
                network.EnableIPv6 && driver.Capabilities.SupportsIPv6))
            : [];
        var endpointId = ContainerNames.NewId();
        EndpointRecord allocated;
        lock (_ipamLock)
        {
            var (address, gateway) = driver.Capabilities.NeedsAddresses ? Allocate(network, record) : ("", "");
            var (address6, gateway6) = driver.Capabilities.NeedsAddresses ? Ipv6Endpoints.Allocate(network, record, endpoints.OnNetwork(network.Id)) : ("", "");
            allocated = record with
            {
                EndpointId = endpointId, IPv4Address = address, Gateway = gateway, IPv6Address = address6, IPv6Gateway = gateway6, Ports = ports,
            };
            endpoints.Put(allocated);
        }
        var spec = allocated.ToSpec(allocated.RequestedMacAddress, hostPorts.SocketsOf(container.Id));
        var info = driver.CreateEndpoint(network.Id, endpointId, spec);
        endpoints.Put(allocated with { MacAddress = info.MacAddress, Gateway = info.Gateway.Length > 0 ? info.Gateway : allocated.Gateway });
        driver.Join(network.Id, endpointId, sandboxKey);
    }

    private (string Address, string Gateway) Allocate(NetworkRecord network, EndpointRecord record)
    {
        var inUse = endpoints.OnNetwork(network.Id).Where(e => e.Active && e.ContainerId != record.ContainerId && e.IPv4Address.Length > 0)
            .Select(e => Ipv4Subnet.ParseAddress(e.IPv4Address.Split('/')[0], "endpoint")).ToHashSet();
        if (record.RequestedIPv4.Length > 0)
        {
            var wanted = Ipv4Subnet.ParseAddress(record.RequestedIPv4, "IPv4");
            var pool = network.Ipam.First(p => !p.IsIPv6 && p.ParsedSubnet.Contains(wanted));
            if (inUse.Contains(wanted) || pool.Gateway == record.RequestedIPv4 || !pool.Candidates().Contains(wanted))
            {
                throw DriverException.Conflict($"Address already in use");
            }
            return ($"{record.RequestedIPv4}/{pool.ParsedSubnet.PrefixLength}", pool.Gateway);
        }
        foreach (var pool in network.Ipam.Where(p => !p.IsIPv6))
        {
            foreach (var candidate in pool.Candidates())
            {
                if (!inUse.Contains(candidate))
                {
                    return ($"{Ipv4Subnet.Format(candidate)}/{pool.ParsedSubnet.PrefixLength}", pool.Gateway);
                }
            }
        }
        throw new DriverException(DriverErrorKind.Unavailable, $"no available IPv4 addresses on this network's address pools: {network.Name} ({network.Id})");
    }

    /// <summary>Leaves and deletes every live endpoint of the container and releases its addresses and ports; never throws.</summary>
    public void Detach(string containerId)
    {
        Dns.Detached(containerId);
        foreach (var record in endpoints.OfContainer(containerId).Where(r => r.Active))
        {
            if (networks.Find(record.NetworkId) is { } network)
            {
                var driver = networks.DriverOf(network);
                Try(() => driver.Leave(network.Id, record.EndpointId), "leave", record);
                Try(() => driver.DeleteEndpoint(network.Id, record.EndpointId), "delete endpoint", record);
            }
            endpoints.Put(record with { EndpointId = "", IPv4Address = "", Gateway = "", IPv6Address = "", IPv6Gateway = "", MacAddress = "", Ports = [] });
        }
        hostPorts.Release(containerId);
    }

    /// <summary>At daemon start: every endpoint still recorded as live whose container did not survive is a leftover to release.</summary>
    public void ReleaseAll(IReadOnlySet<string> survivors)
    {
        foreach (var containerId in endpoints.All.Where(r => r.Active && !survivors.Contains(r.ContainerId)).Select(r => r.ContainerId).Distinct().ToList())
        {
            logger.LogInformation("Releasing the network endpoints of {Container}, which did not survive the previous daemon", containerId[..12]);
            Detach(containerId);
        }
    }

    private void Try(Action action, string what, EndpointRecord record)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not {What} {Endpoint} of {Container}", what, record.EndpointId[..12], record.ContainerId[..12]);
        }
    }
}
