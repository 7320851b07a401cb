using System.Collections.Concurrent;
using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Storage.Vfs;

/// <summary>
/// Keeps each layer as a plain directory holding a full copy of its parent plus its own changes. Costly in space and
/// in create time, but it needs nothing from the host, so it is the driver of last resort. Layers live in
/// <c>&lt;root&gt;/dir/&lt;id&gt;</c>; <c>&lt;root&gt;/parents/&lt;id&gt;</c> names a layer's parent, so a parent is never
/// removed while a child exists (the contract's rule, though a vfs copy would survive it).
/// </summary>
public sealed class VfsStorageDriver : NaiveDiffStorageDriver
{
    public const string DriverName = "vfs";

    private readonly string _layers;
    private readonly string _parents;
    private readonly string _scratch;
    private readonly MountRefCounter _references = new();
    private readonly ConcurrentDictionary<string, object> _layerLocks = new(StringComparer.Ordinal);

    public VfsStorageDriver(DriverContext context)
    {
        // vfs has no options: a storage-opt meant for another driver is a mistake the user should hear about at start.
        foreach (var key in context.Options.Keys)
        {
            throw DriverException.InvalidArgument($"vfs: unknown option {key}");
        }
        _layers = Path.Join(context.Root, "dir");
        _scratch = Path.Join(context.Root, "tmp");
        _parents = Path.Join(context.Root, "parents");
        Directory.CreateDirectory(_layers);
        Directory.CreateDirectory(_parents);
        // Half-made copies from a crash are never valid layers.
        FileTree.RemoveAll(_scratch);
        Directory.CreateDirectory(_scratch);
    }

    public override string Name => DriverName;

    public override StorageCapabilities Capabilities { get; } = new(MaxLayerDepth: null, NativeDiff: false, Quotas: false, CopyOnWrite: false);

    public override IReadOnlyList<KeyValuePair<string, string>> Status { get; } = [];

    protected override string ScratchDirectory => _scratch;

    public override void Create(string id, string? parent) => CreateLayer(id, parent);

    public override void CreateReadWrite(string id, string? parent) => CreateLayer(id, parent);

    public override bool Exists(string id)
    {
        LayerIds.EnsureValid(id);
        return Directory.Exists(LayerPath(id));
    }

    public override void Remove(string id)
    {
        lock (LockOf(id))
        {
            EnsureExists(id);
            if (ChildOf(id) is { } child)
            {
                throw DriverException.Conflict($"layer {id} is the parent of layer {child}");
            }
            _references.Forget(id, _ => { });
            // Renamed away first so a concurrent Exists never sees a half-deleted layer.
            var doomed = Path.Join(_scratch, $"removing-{id}-{Guid.NewGuid():N}");
            Directory.Move(LayerPath(id), doomed);
            File.Delete(ParentRecord(id));
            FileTree.RemoveAll(doomed);
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

    private void CreateLayer(string id, string? parent)
    {
        LayerIds.EnsureValid(id);
        if (parent is null)
        {
            CreateLayerLocked(id, null);
            return;
        }
        // Held so the parent cannot be removed between the check and the child's parent record.
        lock (LockOf(parent))
        {
            EnsureExists(parent);
            CreateLayerLocked(id, parent);
        }
    }

    private void CreateLayerLocked(string id, string? parent)
    {
        lock (LockOf(id))
        {
            if (Directory.Exists(LayerPath(id)))
            {
                throw DriverException.Conflict($"layer {id} already exists");
            }
            // Built aside and renamed into place, so a layer exists only once it is complete.
            var staging = Path.Join(_scratch, $"creating-{id}-{Guid.NewGuid():N}");
            try
            {
                if (parent is null)
                {
                    Directory.CreateDirectory(staging);
                    Sdk.Syscalls.LinuxSyscalls.ChangeMode(staging, 0x1ED); // 0755
                }
                else
                {
                    TreeCopy.Copy(LayerPath(parent), staging, TreeCopyOptions.None);
                }
                if (parent is null)
                {
                    File.Delete(ParentRecord(id));
                }
                else
                {
                    File.WriteAllText(ParentRecord(id), parent);
                }
                Directory.Move(staging, LayerPath(id));
            }
            catch
            {
                FileTree.RemoveAll(staging);
                throw;
            }
        }
    }

    private void EnsureExists(string id)
    {
        if (!Exists(id))
        {
            throw DriverException.NotFound($"layer {id} does not exist");
        }
    }

    // A record whose layer is gone (a crash, or a child removed meanwhile) names no child.
    private string? ChildOf(string id) =>
        Directory.EnumerateFiles(_parents)
            .Select(Path.GetFileName)
            .OfType<string>()
            .FirstOrDefault(child => Directory.Exists(LayerPath(child)) && ReadParentRecord(child) == id);

    private string? ReadParentRecord(string id)
    {
        try
        {
            return File.ReadAllText(ParentRecord(id));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private string ParentRecord(string id) => Path.Join(_parents, id);

    private object LockOf(string id) => _layerLocks.GetOrAdd(id, _ => new object());

    private string LayerPath(string id) => Path.Join(_layers, id);
}
