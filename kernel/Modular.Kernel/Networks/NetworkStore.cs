using Modular.Kernel.Containers;
using Modular.Kernel.Persistence;
using Modular.Kernel.Plugins;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Networks;

/// <summary>
/// The daemon's networks, persisted in <c>&lt;data-root&gt;/network/networks.json</c>. Each driver that users cannot
/// instantiate themselves (none, host) gets its one predefined network named after it, as in Docker.
/// </summary>
public sealed class NetworkStore
{
    private readonly string _file;
    private readonly DriverCatalog _drivers;
    private readonly object _lock = new();
    private List<NetworkRecord> _networks;

    public NetworkStore(string dataRoot, DriverCatalog drivers)
    {
        _file = Path.Combine(dataRoot, "network", "networks.json");
        _drivers = drivers;
        _networks = AtomicFile.ReadJson<List<NetworkRecord>>(_file) ?? [];
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
            foreach (var network in _networks.Where(n => _drivers.Has(DriverKind.Network, n.Driver)))
            {
                _drivers.Network(network.Driver).CreateNetwork(new NetworkSpec(network.Id, network.Name, network.Options));
            }
            AtomicFile.WriteJson(_file, _networks);
        }
    }

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
