using System.Collections.Concurrent;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Btrfs;

/// <summary>
/// Layers as btrfs subvolumes in <c>&lt;root&gt;/subvolumes/&lt;id&gt;</c>: a base layer is a new empty subvolume, a
/// child a writable snapshot of its parent's, so a layer holds its parents' full content while sharing their blocks.
/// Nothing is mounted: a layer's root filesystem is its subvolume directory. Diffs are computed naively on the trees
/// and layers are filled as full copies (<see cref="WhiteoutMode.DeletePaths"/>). A container layer can be limited
/// in size (<c>--storage-opt size=10G</c>) through a qgroup on its subvolume. As the contract asks of every driver, a
/// layer others are made on cannot be removed, although its snapshots would survive it.
/// <para>The subvolume work goes through btrfs ioctls (see <see cref="BtrfsIoctls"/>), not btrfs-progs.</para>
/// </summary>
public sealed class BtrfsStorageDriver : NaiveDiffStorageDriver, IStorageDriver
{
    public const string DriverName = "btrfs";

    private const long BtrfsMagic = 0x9123683E;
    private const string CreatingPrefix = ".creating-";
    private const string RemovingPrefix = ".removing-";

    private static readonly Dictionary<long, string> OtherFilesystems = new()
    {
        [0xEF53] = "ext2/3/4",
        [0x58465342] = "xfs",
        [0x01021994] = "tmpfs",
        [0x794C7630] = "overlayfs",
        [0x2FC12FC1] = "zfs",
        [0x6969] = "nfs",
    };

    private readonly string _subvolumes;
    private readonly string _scratch;
    private readonly BtrfsOptions _options;
    private readonly LayerQuotas _quotas;
    private readonly LayerParents _parents;
    private readonly object _graphLock = new(); // guards _parents, so a parent cannot be removed while a child is made on it
    private readonly IDriverLog _log;
    private readonly MountRefCounter _references = new();
    private readonly ConcurrentDictionary<string, object> _layerLocks = new(StringComparer.Ordinal);

    public BtrfsStorageDriver(DriverContext context)
    {
        _options = BtrfsOptions.Parse(context.Options);
        _log = context.Log;
        var root = Path.GetFullPath(context.Root);
        EnsureOnBtrfs(root);
        _subvolumes = Path.Join(root, "subvolumes");
        _scratch = Path.Join(root, "tmp");
        Directory.CreateDirectory(_subvolumes);
        FileTree.RemoveAll(_scratch);
        Directory.CreateDirectory(_scratch);
        _quotas = new LayerQuotas(root);
        RemoveLeftovers();
        _parents = new LayerParents(root, id => Directory.Exists(LayerPath(id)));
    }

    public override string Name => DriverName;

    public override StorageCapabilities Capabilities { get; } = new(MaxLayerDepth: null, NativeDiff: false, Quotas: true, CopyOnWrite: true);

    /// <summary>dockerd shows the btrfs-progs it was built with; this driver is built on the kernel's ioctls alone.</summary>
    public override IReadOnlyList<KeyValuePair<string, string>> Status { get; } = [new("Build Version", "ioctl")];

    protected override string ScratchDirectory => _scratch;

    public override void Create(string id, string? parent) => CreateLayer(id, parent, size: null);

    public override void CreateReadWrite(string id, string? parent) => CreateLayer(id, parent, size: null);

    /// <summary>Creates a container layer; <c>size</c> (e.g. <c>10G</c>) limits what it may reference, parents' data included.</summary>
    public void CreateReadWrite(string id, string? parent, IReadOnlyDictionary<string, string> storageOptions) =>
        CreateLayer(id, parent, ContainerStorageOptions.ParseSize(storageOptions, _options));

    public override bool Exists(string id)
    {
        LayerIds.EnsureValid(id);
        return Directory.Exists(LayerPath(id));
    }

    public override void Remove(string id)
    {
        lock (LockOf(id))
        {
            var doomed = Path.Join(_subvolumes, $"{RemovingPrefix}{id}-{Guid.NewGuid():N}");
            lock (_graphLock)
            {
                EnsureExists(id);
                var children = _parents.ChildCount(id);
                if (children > 0)
                {
                    throw DriverException.Conflict($"layer {id} cannot be removed: {children} other layer(s) are made on it");
                }
                _references.Forget(id, _ => { });
                // Renamed away first so a concurrent Exists never sees a half-deleted layer.
                Directory.Move(LayerPath(id), doomed);
            }
            try
            {
                SubvolumeRemover.Delete(doomed); // when it fails, the next start deletes what is left
            }
            finally
            {
                _quotas.Forget(id);
                lock (_graphLock)
                {
                    _parents.Remove(id);
                }
            }
        }
    }

    public override string Get(string id)
    {
        EnsureExists(id);
        return _references.Acquire(id, () => LayerPath(id));
    }

    public override void Put(string id)
    {
        EnsureExists(id);
        _references.Release(id, _ => { });
    }

    public override IReadOnlyDictionary<string, string> GetMetadata(string id)
    {
        EnsureExists(id);
        return new Dictionary<string, string>();
    }

    public override void Cleanup()
    {
        // Nothing is mounted; references die with the process.
    }

    private void CreateLayer(string id, string? parent, long? size)
    {
        LayerIds.EnsureValid(id);
        lock (LockOf(id))
        {
            if (Directory.Exists(LayerPath(id)))
            {
                throw DriverException.Conflict($"layer {id} already exists");
            }
            if (parent is not null)
            {
                lock (_graphLock)
                {
                    EnsureExists(parent);
                    _parents.Add(id, parent);
                }
                size ??= _quotas.Recorded(parent);
            }
            // Made under a name no id can take and renamed into place, so a layer exists only once it is complete.
            var staging = $"{CreatingPrefix}{id}-{Guid.NewGuid():N}";
            var stagingPath = Path.Join(_subvolumes, staging);
            try
            {
                if (parent is null)
                {
                    BtrfsIoctls.CreateSubvolume(_subvolumes, staging);
                    LinuxSyscalls.ChangeMode(stagingPath, 0x1ED); // 0755: the subvolume is the layer's root directory
                }
                else
                {
                    BtrfsIoctls.Snapshot(LayerPath(parent), _subvolumes, staging);
                }
                if (size is { } bytes)
                {
                    _quotas.Limit(id, stagingPath, bytes);
                }
                Directory.Move(stagingPath, LayerPath(id));
            }
            catch
            {
                if (SubvolumeRemover.IsSubvolume(stagingPath))
                {
                    SubvolumeRemover.Delete(stagingPath);
                }
                _quotas.Forget(id);
                lock (_graphLock)
                {
                    _parents.Remove(id);
                }
                throw;
            }
        }
    }

    private void RemoveLeftovers()
    {
        foreach (var name in FileTree.ChildNames(_subvolumes))
        {
            if (!name.StartsWith(CreatingPrefix, StringComparison.Ordinal) && !name.StartsWith(RemovingPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var path = Path.Join(_subvolumes, name);
            _log.Info($"deleting {path}, left half made or half removed by an earlier run");
            if (SubvolumeRemover.IsSubvolume(path))
            {
                SubvolumeRemover.Delete(path);
            }
            else
            {
                FileTree.RemoveAll(path);
            }
        }
    }

    private static void EnsureOnBtrfs(string root)
    {
        var magic = LinuxSyscalls.FilesystemMagic(root);
        if (magic != BtrfsMagic)
        {
            var filesystem = OtherFilesystems.TryGetValue(magic, out var name) ? name : $"filesystem type 0x{magic:x}";
            throw DriverException.NotSupported(
                $"btrfs needs its root {root} on a btrfs filesystem, but it is on {filesystem}; point the data-root at a btrfs mount or choose another storage driver");
        }
    }

    private void EnsureExists(string id)
    {
        if (!Exists(id))
        {
            throw DriverException.NotFound($"layer {id} does not exist");
        }
    }

    private object LockOf(string id) => _layerLocks.GetOrAdd(id, _ => new object());

    private string LayerPath(string id) => Path.Join(_subvolumes, id);
}
