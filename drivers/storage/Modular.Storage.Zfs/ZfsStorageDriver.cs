using System.Collections.Concurrent;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Zfs;

/// <summary>
/// Layers as zfs datasets under one parent dataset (the one holding the driver's root, or <c>zfs.fsname</c>): a base
/// layer is a new filesystem, a child is a clone of a snapshot of its parent, so it shares every unchanged block.
/// Datasets have <c>mountpoint=legacy</c> and are mounted by the driver at <c>&lt;root&gt;/graph/&lt;id&gt;</c>, as
/// dockerd does. Diffs compare the mounted trees. A container layer can be limited with the <c>size</c> storage option
/// (the dataset's <c>quota</c> property).
/// </summary>
public sealed class ZfsStorageDriver : NaiveDiffStorageDriver, IStorageDriver
{
    public const string DriverName = "zfs";

    private readonly ZfsDatasets _datasets;
    private readonly string _mountRoot;
    private readonly string _scratch;
    private readonly string? _mountOptions;
    private readonly IDriverLog _log;
    private readonly MountRefCounter _references = new();
    private readonly ConcurrentDictionary<string, object> _layerLocks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _layers = new(StringComparer.Ordinal);

    public ZfsStorageDriver(DriverContext context)
    {
        _log = context.Log;
        var (zfs, zpool) = ZfsHost.RequireTools();
        var options = ZfsOptions.Parse(context.Options);
        var root = Path.GetFullPath(context.Root);
        var parentDataset = options.FilesystemName ?? ZfsHost.DatasetHolding(root);
        _datasets = new ZfsDatasets(new ZfsCommand(zfs, zpool, _log), parentDataset);
        _mountOptions = options.MountOptions;
        _mountRoot = Path.Join(root, "graph");
        _scratch = Path.Join(root, "tmp");

        IReadOnlyList<string> filesystems;
        try
        {
            filesystems = _datasets.ListFilesystems();
        }
        catch (DriverException e)
        {
            throw DriverException.InvalidArgument($"cannot find the zfs dataset {parentDataset} to keep layers under: {e.Message}");
        }
        var prefix = parentDataset + "/";
        foreach (var name in filesystems.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !n[prefix.Length..].Contains('/')))
        {
            _layers.Add(name[prefix.Length..]);
        }
        Directory.CreateDirectory(_mountRoot);
        FileTree.RemoveAll(_scratch);
        Directory.CreateDirectory(_scratch);
        UnmountLeftovers();
        _log.Debug($"zfs: layers under {parentDataset}, {_layers.Count} found");
    }

    public override string Name => DriverName;

    public override StorageCapabilities Capabilities { get; } = new(MaxLayerDepth: null, NativeDiff: false, Quotas: true, CopyOnWrite: true);

    /// <summary>dockerd's lines: the pool and its health, the parent dataset's usage, quota and compression.</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Status
    {
        get
        {
            string poolName, poolHealth;
            try
            {
                poolHealth = _datasets.PoolHealth();
                poolName = _datasets.PoolName;
            }
            catch (DriverException e)
            {
                poolName = $"error while getting pool information {e.Message}";
                poolHealth = "not available";
            }
            IReadOnlyDictionary<string, string> properties;
            try
            {
                properties = _datasets.ParentProperties("used", "available", "quota", "compression");
            }
            catch (DriverException e)
            {
                _log.Warn($"zfs: cannot read the properties of {_datasets.ParentDataset}: {e.Message}");
                properties = new Dictionary<string, string>();
            }
            string Property(string name) => properties.TryGetValue(name, out var value) ? value : "";
            return
            [
                new("Zpool", poolName),
                new("Zpool Health", poolHealth),
                new("Parent Dataset", _datasets.ParentDataset),
                new("Space Used By Parent", Property("used")),
                new("Space Available", Property("available")),
                new("Parent Quota", Property("quota") is "0" or "" ? "no" : Property("quota")),
                new("Compression", Property("compression")),
            ];
        }
    }

    protected override string ScratchDirectory => _scratch;

    public override void Create(string id, string? parent) => CreateLayer(id, parent, sizeLimit: 0);

    public override void CreateReadWrite(string id, string? parent) => CreateLayer(id, parent, sizeLimit: 0);

    /// <summary>Creates a container layer; <c>size</c> in <paramref name="storageOptions"/> sets the dataset's quota.</summary>
    public void CreateReadWrite(string id, string? parent, IReadOnlyDictionary<string, string> storageOptions) =>
        CreateLayer(id, parent, ZfsOptions.ContainerSize(storageOptions));

    public override bool Exists(string id)
    {
        LayerIds.EnsureValid(id);
        lock (_layers)
        {
            return _layers.Contains(id);
        }
    }

    public override void Remove(string id)
    {
        lock (LockOf(id))
        {
            EnsureExists(id);
            if (_datasets.ClonesOf(id) is [var child, ..])
            {
                throw DriverException.Conflict($"layer {id} cannot be removed: {child} is a clone of it");
            }
            _references.Forget(id, Unmount);
            var mountPoint = MountPointOf(id);
            if (MountTable.IsMountPoint(mountPoint))
            {
                LinuxSyscalls.Unmount(mountPoint);
            }
            _datasets.Destroy(id);
            lock (_layers)
            {
                _layers.Remove(id);
            }
            if (Directory.Exists(mountPoint))
            {
                Directory.Delete(mountPoint);
            }
        }
    }

    public override string Get(string id)
    {
        EnsureExists(id);
        return _references.Acquire(id, () => Mount(id));
    }

    public override void Put(string id)
    {
        EnsureExists(id);
        _references.Release(id, Unmount);
    }

    /// <summary>Nothing: dockerd shows no GraphDriver data for zfs.</summary>
    public override IReadOnlyDictionary<string, string> GetMetadata(string id)
    {
        EnsureExists(id);
        return new Dictionary<string, string>();
    }

    public override void Cleanup()
    {
        foreach (var id in _references.ReferencedIds())
        {
            _references.Forget(id, Unmount);
        }
        UnmountLeftovers();
    }

    private void CreateLayer(string id, string? parent, long sizeLimit)
    {
        LayerIds.EnsureValid(id);
        if (parent is not null)
        {
            EnsureExists(parent);
        }
        lock (LockOf(id))
        {
            if (Exists(id))
            {
                throw DriverException.Conflict($"layer {id} already exists");
            }
            if (parent is null)
            {
                _datasets.CreateEmpty(id);
            }
            else
            {
                _datasets.CreateClone(id, parent);
            }
            if (sizeLimit > 0)
            {
                try
                {
                    _datasets.SetQuota(id, sizeLimit);
                }
                catch
                {
                    _datasets.Destroy(id);
                    throw;
                }
            }
            lock (_layers)
            {
                _layers.Add(id);
            }
        }
    }

    private string Mount(string id)
    {
        var mountPoint = MountPointOf(id);
        Directory.CreateDirectory(mountPoint);
        LinuxSyscalls.Mount(_datasets.DatasetOf(id), mountPoint, "zfs", 0, _mountOptions);
        return mountPoint;
    }

    private static void Unmount(string mountPoint) => LinuxSyscalls.Unmount(mountPoint);

    private void UnmountLeftovers()
    {
        foreach (var mountPoint in MountTable.MountPointsUnder(_mountRoot))
        {
            if (mountPoint != _mountRoot)
            {
                _log.Info($"unmounting {mountPoint}, left mounted by an earlier run");
                LinuxSyscalls.Unmount(mountPoint);
            }
        }
    }

    private string MountPointOf(string id) => Path.Join(_mountRoot, id);

    private void EnsureExists(string id)
    {
        if (!Exists(id))
        {
            throw DriverException.NotFound($"layer {id} does not exist");
        }
    }

    private object LockOf(string id) => _layerLocks.GetOrAdd(id, _ => new object());
}
