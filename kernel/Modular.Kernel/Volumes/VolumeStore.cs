using Microsoft.Extensions.Logging;
using Modular.Kernel.Containers;
using Modular.Kernel.Events;
using Modular.Kernel.Persistence;
using Modular.Sdk;

namespace Modular.Kernel.Volumes;

/// <summary>
/// The volumes of this daemon: their metadata (<c>&lt;data-root&gt;/volumes/&lt;name&gt;/volume.json</c>, written
/// atomically after the driver created the data folder, so a daemon killed at any point leaves either no volume or a
/// whole one), which containers use them (read from the containers' mount points, never stored twice), and the mount
/// references of running containers, which the driver needs for volumes with mount options.
/// </summary>
public sealed class VolumeStore
{
    private const string MetadataFile = "volume.json";

    private readonly Dictionary<string, VolumeRecord> _volumes = new(StringComparer.Ordinal);
    // Volumes claimed by containers being created, before the container is in the store.
    private readonly Dictionary<string, HashSet<string>> _claims = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ContainerStore _containers;
    private readonly EventBus _events;
    private readonly ILogger<VolumeStore> _logger;
    private readonly Dictionary<string, IVolumeDriver> _drivers = new(StringComparer.Ordinal);

    public VolumeStore(string dataRoot, ContainerStore containers, EventBus events, ILogger<VolumeStore> logger)
    {
        Root = Path.Combine(dataRoot, "volumes");
        _containers = containers;
        _events = events;
        _logger = logger;
        Local = new LocalVolumeDriver(Root);
        _drivers[Local.Name] = Local;
    }

    public string Root { get; }

    public LocalVolumeDriver Local { get; }

    public IVolumeDriver Driver(string name) =>
        _drivers.TryGetValue(name is "" ? LocalVolumeDriver.DriverName : name, out var driver)
            ? driver
            : throw DriverException.NotFound($"error looking up volume plugin {name}: plugin \"{name}\" not found");

    /// <summary>Reads every volume back; a data folder without metadata (a create cut short) is adopted, not lost.</summary>
    public void Load()
    {
        Directory.CreateDirectory(Root);
        AtomicFile.RemoveLeftovers(Root);
        Local.RemoveLeftovers();
        lock (_lock)
        {
            _volumes.Clear();
            foreach (var folder in Directory.EnumerateDirectories(Root))
            {
                var name = Path.GetFileName(folder);
                if (name.StartsWith('.'))
                {
                    continue;
                }
                try
                {
                    var record = AtomicFile.ReadJson<VolumeRecord>(Path.Combine(folder, MetadataFile));
                    if (record is null)
                    {
                        record = new VolumeRecord { Name = name, Driver = LocalVolumeDriver.DriverName, CreatedAt = Directory.GetCreationTimeUtc(folder) };
                        Save(record);
                        _logger.LogWarning("Volume {Volume} had no metadata (its creation was interrupted): kept without labels or options", name);
                    }
                    _volumes[record.Name] = record;
                }
                catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
                {
                    _logger.LogWarning("Ignoring unreadable volume {Volume}: {Error}", name, e.Message);
                }
            }
        }
    }

    /// <summary>
    /// After the containers are reconciled: mounts the driver set up for containers that no longer run are released,
    /// the ones of running containers are counted again.
    /// </summary>
    public void Reconcile()
    {
        var running = _containers.All.Where(c => ContainerLifecycle.IsActive(c.State.Status)).ToList();
        foreach (var volume in All())
        {
            var live = running.Where(c => c.MountPoints.Any(m => m.Name == volume.Name)).Select(c => c.Id).ToList();
            try
            {
                Driver(volume.Driver).Reconcile(volume, live);
            }
            catch (Exception e)
            {
                _logger.LogWarning("Reconciling the mounts of volume {Volume} failed: {Error}", volume.Name, e.Message);
            }
        }
    }

    public IReadOnlyList<VolumeRecord> All()
    {
        lock (_lock)
        {
            return _volumes.Values.ToList();
        }
    }

    public VolumeRecord Get(string name)
    {
        lock (_lock)
        {
            return _volumes.TryGetValue(name, out var volume) ? volume : throw DriverException.NotFound($"get {name}: no such volume");
        }
    }

    public VolumeRecord? Find(string name)
    {
        lock (_lock)
        {
            return _volumes.GetValueOrDefault(name);
        }
    }

    /// <summary>
    /// Creates a volume, or returns the existing one of that name (Docker's rule), refusing only another driver. An
    /// empty name makes an anonymous volume.
    /// </summary>
    public VolumeRecord Create(string? name, string? driverName, IReadOnlyDictionary<string, string>? options, IReadOnlyDictionary<string, string>? labels, string? claimedBy = null)
    {
        var anonymous = string.IsNullOrEmpty(name);
        var volumeName = anonymous ? VolumeNames.NewAnonymous() : name!;
        var driver = Driver(driverName ?? "");
        if (!anonymous)
        {
            VolumeNames.Validate(volumeName);
        }
        driver.ValidateOptions(options ?? new Dictionary<string, string>());

        VolumeRecord record;
        lock (_lock)
        {
            if (_volumes.TryGetValue(volumeName, out var existing))
            {
                if (existing.Driver != driver.Name)
                {
                    throw DriverException.Conflict($"create {volumeName}: volume name must be unique");
                }
                Claim(volumeName, claimedBy);
                return existing;
            }
            var allLabels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            if (anonymous)
            {
                allLabels[VolumeNames.AnonymousLabel] = "";
            }
            record = new VolumeRecord
            {
                Name = volumeName,
                Driver = driver.Name,
                CreatedAt = DateTimeOffset.UtcNow,
                Labels = allLabels,
                Options = new Dictionary<string, string>(options ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            };
            driver.Create(record);
            Save(record);
            _volumes[volumeName] = record;
            Claim(volumeName, claimedBy);
        }
        Publish(record, "create");
        return record;
    }

    /// <summary>Drops the claims of a container being created, once it is stored (or its creation failed).</summary>
    public void ReleaseClaims(string containerId)
    {
        lock (_lock)
        {
            foreach (var claimants in _claims.Values)
            {
                claimants.Remove(containerId);
            }
        }
    }

    /// <summary>The containers (running or not) whose mounts name the volume, as Docker counts "in use".</summary>
    public IReadOnlyList<string> UsersOf(string name)
    {
        lock (_lock)
        {
            var users = _containers.All.Where(c => c.MountPoints.Any(m => m.Name == name)).Select(c => c.Id).ToList();
            if (_claims.TryGetValue(name, out var claimants))
            {
                users.AddRange(claimants.Where(id => !users.Contains(id)));
            }
            return users;
        }
    }

    public void Remove(string name, bool force)
    {
        VolumeRecord volume;
        lock (_lock)
        {
            if (!_volumes.TryGetValue(name, out volume!))
            {
                if (force)
                {
                    return;
                }
                throw DriverException.NotFound($"get {name}: no such volume");
            }
            var users = UsersOf(name);
            if (users.Count > 0)
            {
                throw DriverException.Conflict($"remove {name}: volume is in use - [{string.Join(", ", users)}]");
            }
            Driver(volume.Driver).Remove(volume);
            _volumes.Remove(name);
            _claims.Remove(name);
        }
        Publish(volume, "destroy");
    }

    /// <summary>Makes a volume available to a starting container; the host path to bind.</summary>
    public string Mount(string name, string containerId)
    {
        var volume = Get(name);
        return Driver(volume.Driver).Mount(volume, containerId);
    }

    public void Unmount(string name, string containerId)
    {
        if (Find(name) is { } volume)
        {
            Driver(volume.Driver).Unmount(volume, containerId);
        }
    }

    public string MountpointOf(VolumeRecord volume) => Driver(volume.Driver).MountpointOf(volume);

    public long SizeOf(VolumeRecord volume) => Driver(volume.Driver).Size(volume);

    public void Publish(VolumeRecord volume, string action, IReadOnlyDictionary<string, string>? extra = null)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["driver"] = volume.Driver };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            attributes[key] = value;
        }
        _events.Publish(new EngineEvent("volume", action, volume.Name, attributes, DateTimeOffset.UtcNow));
    }

    private void Claim(string name, string? containerId)
    {
        if (containerId is null)
        {
            return;
        }
        if (!_claims.TryGetValue(name, out var claimants))
        {
            claimants = new HashSet<string>(StringComparer.Ordinal);
            _claims[name] = claimants;
        }
        claimants.Add(containerId);
    }

    private void Save(VolumeRecord record) => AtomicFile.WriteJson(Path.Combine(Root, record.Name, MetadataFile), record);
}
