using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks.EtcFiles;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// Name resolution of running containers: once a container's endpoints are joined (before its process starts) its
/// /etc/hosts gets its addresses and, when it is on a user-defined network, an embedded resolver starts in its
/// namespace; at exit the resolver stops. Lookups read the live endpoint records, so names appear and disappear
/// as containers come and go.
/// </summary>
public sealed class ContainerDns : INameDirectory
{
    private readonly NetworkStore _networks;
    private readonly EndpointStore _endpoints;
    private readonly ContainerStore _containers;
    private readonly ILogger<ContainerDns> _logger;
    private readonly EmbeddedResolver _resolver;
    private readonly ConcurrentDictionary<string, SandboxDnsServer> _servers = new(StringComparer.Ordinal);

    public ContainerDns(NetworkStore networks, EndpointStore endpoints, ContainerStore containers, ILogger<ContainerDns> logger)
    {
        _networks = networks;
        _endpoints = endpoints;
        _containers = containers;
        _logger = logger;
        _resolver = new EmbeddedResolver(this, new DnsForwarder(), logger);
    }

    /// <summary>Docker's rule: the predefined networks (bridge, host, none) have no embedded resolver; user-created ones do.</summary>
    public static bool HasEmbeddedResolver(NetworkRecord network) =>
        !network.IsDefault && network.Name is not ("bridge" or "host" or "none") && network.Ipam.Count > 0;

    /// <summary>Called once the container's endpoints are joined to the sandbox, before its process runs.</summary>
    public void Attached(Container container, string sandboxKey)
    {
        if (SharesTheHostsNamespace(container.Id) || _endpoints.OfContainer(container.Id).Count == 0)
        {
            // The host's files or another container's (container: mode): no addresses of its own, no resolver.
            return;
        }
        var live = LiveEndpoints(container.Id);
        var embedded = live.Any(e => HasEmbeddedResolver(e.Network));
        ContainerResolution.Rewrite(container, _containers.DirectoryOf(container.Id), live.Select(e => e.Address).ToList(), embedded, _networks);
        if (embedded && !_servers.ContainsKey(container.Id))
        {
            var id = container.Id;
            var server = SandboxDnsServer.Start(id, sandboxKey, ContainerEtcFiles.EmbeddedResolverAddress, 53,
                () => ContainerResolution.UpstreamsOf(id), _resolver, _logger);
            if (!_servers.TryAdd(id, server))
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Rewrites /etc/hosts and resolv.conf of a running container whose networks changed (disconnect).</summary>
    public void Refresh(Container container)
    {
        var live = LiveEndpoints(container.Id);
        ContainerResolution.Rewrite(container, _containers.DirectoryOf(container.Id), live.Select(e => e.Address).ToList(),
            _servers.ContainsKey(container.Id) || live.Any(e => HasEmbeddedResolver(e.Network)), _networks);
    }

    /// <summary>Called when the container's endpoints are released (exit, failed start); stops its resolver.</summary>
    public void Detached(string containerId)
    {
        ContainerResolution.Forget(containerId);
        if (_servers.TryRemove(containerId, out var server))
        {
            try
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Stopping the DNS resolver of {Container} failed", containerId[..12]);
            }
        }
    }

    private bool SharesTheHostsNamespace(string containerId) =>
        _endpoints.OfContainer(containerId).Any(r => _networks.Find(r.NetworkId) is { } network
            && _networks.DriverOf(network).Capabilities.Sandbox == Sdk.Network.SandboxKind.Host);

    /// <summary>Whether the container's embedded resolver runs (for tests and diagnostics).</summary>
    public bool Serves(string containerId) => _servers.ContainsKey(containerId);

    public IReadOnlyList<IPAddress>? Lookup(string askingContainerId, string name, AddressFamily family)
    {
        List<IPAddress>? found = null;
        foreach (var network in NetworksOf(askingContainerId))
        {
            var wanted = name;
            var suffix = "." + network.Name.ToLowerInvariant();
            if (wanted.EndsWith(suffix, StringComparison.Ordinal))
            {
                wanted = wanted[..^suffix.Length];
            }
            foreach (var endpoint in LiveOn(network))
            {
                if (endpoint.Container is { } owner && DnsNamesOf(owner, endpoint.Record).Contains(wanted))
                {
                    found ??= [];
                    if (endpoint.Address.AddressFamily == family && !found.Contains(endpoint.Address))
                    {
                        found.Add(endpoint.Address);
                    }
                }
            }
        }
        return found;
    }

    public string? ReverseLookup(string askingContainerId, IPAddress address)
    {
        foreach (var network in NetworksOf(askingContainerId))
        {
            foreach (var endpoint in LiveOn(network))
            {
                if (endpoint.Address.Equals(address) && endpoint.Container is { } owner)
                {
                    return $"{owner.Name}.{network.Name}";
                }
            }
        }
        return null;
    }

    /// <summary>Docker's DNSNames: the container's name, its aliases on the network, its short id and its hostname (lower case).</summary>
    public static HashSet<string> DnsNamesOf(Container container, EndpointRecord endpoint)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { container.Name.ToLowerInvariant(), container.ShortId };
        foreach (var alias in endpoint.Aliases)
        {
            names.Add(alias.ToLowerInvariant());
        }
        if (container.Config.Hostname.Length > 0)
        {
            names.Add(container.Config.Hostname.ToLowerInvariant());
        }
        return names;
    }

    private IEnumerable<NetworkRecord> NetworksOf(string containerId) =>
        LiveEndpoints(containerId).Select(e => e.Network).Where(HasEmbeddedResolver).DistinctBy(n => n.Id);

    // One entry per address: an endpoint on a network with IPv6 answers A and AAAA questions and has two hosts lines.
    private IEnumerable<LiveEndpoint> LiveOn(NetworkRecord network) =>
        _endpoints.OnNetwork(network.Id)
            .Where(r => r.Active)
            .SelectMany(r => AddressesOf(r).Select(a => new LiveEndpoint(r, network, a, _containers.Find(r.ContainerId))));

    private List<LiveEndpoint> LiveEndpoints(string containerId) =>
        _endpoints.OfContainer(containerId)
            .Where(r => r.Active)
            .SelectMany(r => _networks.Find(r.NetworkId) is { } network
                ? AddressesOf(r).Select(a => new LiveEndpoint(r, network, a, null))
                : [])
            .ToList();

    private static IEnumerable<IPAddress> AddressesOf(EndpointRecord record) =>
        new[] { record.IPv4Address, record.IPv6Address }.Where(a => a.Length > 0).Select(a => IPAddress.Parse(a.Split('/')[0]));

    private sealed record LiveEndpoint(EndpointRecord Record, NetworkRecord Network, IPAddress Address, Container? Container);
}
