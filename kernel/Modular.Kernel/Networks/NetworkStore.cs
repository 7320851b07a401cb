using Microsoft.Extensions.Logging;
using Modular.Api.Models;
using Modular.Kernel.Configuration;
using Modular.Kernel.Containers;
using Modular.Kernel.Persistence;
using Modular.Kernel.Plugins;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// The daemon's networks, persisted in <c>&lt;data-root&gt;/network/networks.json</c>. Each driver that users cannot
/// instantiate themselves (none, host) gets its one predefined network named after it, and the bridge driver the
/// default <c>bridge</c> network, as in Docker.
/// </summary>
public sealed class NetworkStore
{
    public const string DefaultNetworkName = "bridge";

    private readonly string _file;
    private readonly DriverCatalog _drivers;
    private readonly DaemonConfig _config;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly Lazy<string> _engineId;
    private List<NetworkRecord> _networks;

    public NetworkStore(DaemonConfig config, DriverCatalog drivers, ILogger<NetworkStore> logger)
    {
        _file = Path.Combine(config.DataRoot, "network", "networks.json");
        _drivers = drivers;
        _config = config;
        _logger = logger;
        _networks = AtomicFile.ReadJson<List<NetworkRecord>>(_file) ?? [];
        // The default IPv6 pool is derived from the engine's ID, as dockerd derives it from its host ID.
        _engineId = new Lazy<string>(() => new Api.EngineIdentity(config.DataRoot).Id);
    }

    /// <summary>Creates the predefined networks of the installed drivers and re-creates every network in its driver.</summary>
    public void Initialize()
    {
        lock (_lock)
        {
            foreach (var driverName in _drivers.Names(DriverKind.Network))
            {
                var driver = _drivers.Network(driverName);
                if (!driver.Capabilities.UserDefinable && _networks.All(n => n.Name != driverName))
                {
                    _networks.Add(new NetworkRecord(ContainerNames.NewId(), driverName, driverName, driver.Capabilities.Scope,
                        DateTimeOffset.UtcNow, new Dictionary<string, string>(), new Dictionary<string, string>()));
                }
            }
            // `--bridge none`, as in dockerd: no default bridge network, containers default to loopback only.
            if (_config.Bridge != "none" && _drivers.Has(DriverKind.Network, DefaultNetworkName) && _networks.All(n => n.Name != DefaultNetworkName))
            {
                _networks.Add(DefaultBridge());
            }
            foreach (var network in _networks.Where(n => _drivers.Has(DriverKind.Network, n.Driver)))
            {
                _drivers.Network(network.Driver).CreateNetwork(SpecOf(network));
            }
            AtomicFile.WriteJson(_file, _networks);
        }
    }

    private NetworkRecord DefaultBridge()
    {
        var bridgeName = _config.Bridge ?? "modular0";
        var pool = _config.Bip is { } bip
            ? IpamPlanner.FromBip(bip)
            : IpamPlanner.Plan(null, TakenSubnets(), IpamPlanner.HostRoutes(new HashSet<string> { bridgeName }), Log, DefaultCandidates())[0];
        var options = new Dictionary<string, string>
        {
            ["com.docker.network.bridge.default_bridge"] = "true",
            ["com.docker.network.bridge.enable_icc"] = "true",
            ["com.docker.network.bridge.enable_ip_masquerade"] = "true",
            ["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0",
            ["com.docker.network.bridge.name"] = bridgeName,
            ["com.docker.network.driver.mtu"] = "1500",
        };
        return new NetworkRecord(ContainerNames.NewId(), DefaultNetworkName, DefaultNetworkName, "local", DateTimeOffset.UtcNow,
            options, new Dictionary<string, string>()) { Ipam = [pool], IsDefault = true };
    }

    /// <summary>Creates a user-defined network (<c>docker network create</c>): checks, IPAM planning, the driver, then persists.</summary>
    public NetworkRecord Create(string name, string driverName, IReadOnlyDictionary<string, string> options,
        IReadOnlyDictionary<string, string> labels, IReadOnlyList<IpamConfig>? ipam, bool isInternal, bool attachable, bool enableIPv6 = false)
    {
        if (name.Length == 0)
        {
            throw DriverException.InvalidArgument("network name must not be empty");
        }
        if (!_drivers.Has(DriverKind.Network, driverName))
        {
            throw DriverException.NotFound($"could not find plugin {driverName} in v1 plugin registry: plugin not found");
        }
        var driver = _drivers.Network(driverName);
        if (!driver.Capabilities.UserDefinable)
        {
            throw new DriverException(DriverErrorKind.Forbidden, $"only one instance of \"{driverName}\" network is allowed");
        }
        if (enableIPv6 && !driver.Capabilities.SupportsIPv6)
        {
            throw DriverException.InvalidArgument($"the {driverName} network driver does not support IPv6 (--ipv6)");
        }
        // As dockerd's IPAM: IPv6 subnets only count on a network with IPv6 enabled.
        var requested4 = ipam?.Where(c => !Ipv6Subnet.IsIPv6Text(c.Subnet ?? "")).ToList();
        var requested6 = ipam?.Where(c => Ipv6Subnet.IsIPv6Text(c.Subnet ?? "")).ToList() ?? [];
        lock (_lock)
        {
            if (_networks.Any(n => n.Name == name))
            {
                throw DriverException.Conflict($"network with name {name} already exists");
            }
            var pools = driver.Capabilities.NeedsAddresses
                ? IpamPlanner.Plan(requested4, TakenSubnets(), IpamPlanner.HostRoutes(OwnBridgeNames()), Log, DefaultCandidates())
                : [];
            if (enableIPv6 && driver.Capabilities.NeedsAddresses)
            {
                pools = [.. pools, .. Ipv6IpamPlanner.Plan(requested6, TakenIPv6Subnets(), Ipv6IpamPlanner.HostRoutes(OwnBridgeNames()),
                    IpamDefaultPools.IPv6Candidates(_config.DefaultAddressPools, _engineId.Value), Log)];
            }
            var network = new NetworkRecord(ContainerNames.NewId(), name, driverName, driver.Capabilities.Scope, DateTimeOffset.UtcNow,
                options, labels) { Ipam = pools, Internal = isInternal, Attachable = attachable, EnableIPv6 = enableIPv6 };
            driver.CreateNetwork(SpecOf(network));
            _networks.Add(network);
            try
            {
                AtomicFile.WriteJson(_file, _networks);
            }
            catch
            {
                _networks.Remove(network);
                driver.DeleteNetwork(network.Id);
                throw;
            }
            return network;
        }
    }

    /// <summary>Removes a user-defined network; the caller has checked that no container is connected.</summary>
    public void Remove(NetworkRecord network)
    {
        if (!_drivers.Network(network.Driver).Capabilities.UserDefinable || network.IsDefault)
        {
            throw new DriverException(DriverErrorKind.Forbidden, $"{network.Name} is a pre-defined network and cannot be removed");
        }
        lock (_lock)
        {
            _drivers.Network(network.Driver).DeleteNetwork(network.Id);
            _networks.RemoveAll(n => n.Id == network.Id);
            AtomicFile.WriteJson(_file, _networks);
        }
    }

    public static NetworkSpec SpecOf(NetworkRecord network) => new(network.Id, network.Name, network.Options)
    {
        Subnets = network.Ipam.Where(p => !p.IsIPv6).Select(p => new NetworkSubnet(p.Subnet, p.Gateway)).ToList(),
        IPv6Subnets = network.Ipam.Where(p => p.IsIPv6).Select(p => new NetworkSubnet(p.Subnet, p.Gateway)).ToList(),
        Internal = network.Internal,
        IsDefault = network.IsDefault,
    };

    private IEnumerable<Ipv4Subnet> DefaultCandidates() => IpamDefaultPools.Candidates(_config.DefaultAddressPools);

    private List<Ipv4Subnet> TakenSubnets() => _networks.SelectMany(n => n.Ipam).Where(p => !p.IsIPv6).Select(p => p.ParsedSubnet).ToList();

    private List<Ipv6Subnet> TakenIPv6Subnets() => _networks.SelectMany(n => n.Ipam).Where(p => p.IsIPv6).Select(p => p.ParsedIPv6Subnet).ToList();

    // Routes through our own bridges are our networks' subnets, already counted as taken.
    private HashSet<string> OwnBridgeNames() => _networks
        .Select(n => n.Options.TryGetValue("com.docker.network.bridge.name", out var name) ? name : "br-" + n.Id[..12])
        .ToHashSet(StringComparer.Ordinal);

    private void Log(string message) => _logger.LogInformation("{Message}", message);

    public IReadOnlyList<NetworkRecord> All
    {
        get { lock (_lock) { return _networks.ToList(); } }
    }

    public NetworkRecord? Find(string nameOrId)
    {
        lock (_lock)
        {
            return _networks.FirstOrDefault(n => n.Id == nameOrId)
                ?? _networks.FirstOrDefault(n => n.Name == nameOrId)
                ?? (nameOrId.Length > 0 && _networks.Count(n => n.Id.StartsWith(nameOrId, StringComparison.Ordinal)) == 1
                    ? _networks.First(n => n.Id.StartsWith(nameOrId, StringComparison.Ordinal))
                    : null);
        }
    }

    public NetworkRecord Get(string nameOrId) =>
        Find(nameOrId) ?? throw DriverException.NotFound($"network {nameOrId} not found");

    public INetworkDriver DriverOf(NetworkRecord network) => _drivers.Network(network.Driver);
}
