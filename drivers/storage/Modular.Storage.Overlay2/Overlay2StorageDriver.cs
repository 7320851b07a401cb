using System.Collections.Concurrent;
using System.Security.Cryptography;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>
/// Layers as overlayfs directories. Each layer's own files live in its <c>diff</c> directory; mounting stacks the
/// parents' diff directories (through short <c>l/</c> links) under it. A container's writable layer is mounted with its
/// diff as the upper directory; an image layer, which never changes after <see cref="ApplyDiff"/>, is mounted read-only
/// with its diff as the topmost lower directory. Diffs are computed naively on the mounted trees; layers are filled
/// natively, writing overlayfs whiteouts straight into the diff directory.
/// </summary>
public sealed class Overlay2StorageDriver : NaiveDiffStorageDriver
{
    public const string DriverName = "overlay2";

    private const string LinksFolder = "l";
    private const int ShortLinkLength = 26;
    private const string ShortLinkAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly string _root;
    private readonly string _scratch;
    private readonly IDriverLog _log;
    private readonly OverlayMounter _mounter;
    private readonly MountRefCounter _references = new();
    private readonly ConcurrentDictionary<string, object> _layerLocks = new(StringComparer.Ordinal);

    public Overlay2StorageDriver(DriverContext context)
    {
        _root = Path.GetFullPath(context.Root);
        _scratch = Path.Join(_root, "tmp");
        _log = context.Log;
        var backing = BackingFilesystem.Inspect(_root);
        Directory.CreateDirectory(Path.Join(_root, LinksFolder));
        FileTree.RemoveAll(_scratch);
        Directory.CreateDirectory(_scratch);
        UnmountLeftovers();
        _mounter = new OverlayMounter(Path.Join(_root, LinksFolder));

        var shortLower = Path.Join(_root, LinksFolder, new string('X', ShortLinkLength)).Length;
        var upperAndWork = 2 * Path.Join(_root, new string('x', LayerIds.MaxLength), "merged").Length + 20;
        Capabilities = new StorageCapabilities(
            MaxLayerDepth: _mounter.MaxLowerLayers(shortLower, upperAndWork),
            NativeDiff: false,
            Quotas: false,
            CopyOnWrite: true);
        Status =
        [
            new("Backing Filesystem", backing.Name),
            new("Supports d_type", "true"),
            new("Using metacopy", "false"),
            new("Native Overlay Diff", "false"),
        ];
        _log.Debug($"overlay2 on {backing.Name} at {_root}; lowerdir+ {(_mounter.UsesLowerDirAppend ? "available" : "unavailable")}, max depth {Capabilities.MaxLayerDepth}");
    }

    public override string Name => DriverName;

    public override StorageCapabilities Capabilities { get; }

    public override IReadOnlyList<KeyValuePair<string, string>> Status { get; }

    protected override string ScratchDirectory => _scratch;

    public override void Create(string id, string? parent) => CreateLayer(id, parent, readOnly: true);

    public override void CreateReadWrite(string id, string? parent) => CreateLayer(id, parent, readOnly: false);

    public override bool Exists(string id)
    {
        EnsureValid(id);
        return Directory.Exists(Paths(id).Directory);
    }

    public override void Remove(string id)
    {
        lock (LockOf(id))
        {
            EnsureExists(id);
            var paths = Paths(id);
            _references.Forget(id, Unmount);
            if (MountTable.IsMountPoint(paths.Merged))
            {
                LinuxSyscalls.Unmount(paths.Merged);
            }
            if (File.Exists(paths.LinkFile))
            {
                File.Delete(Path.Join(_root, LinksFolder, File.ReadAllText(paths.LinkFile).Trim()));
            }
            var doomed = Path.Join(_scratch, $"removing-{id}-{Guid.NewGuid():N}");
            Directory.Move(paths.Directory, doomed);
            FileTree.RemoveAll(doomed);
        }
    }

    public override string Get(string id)
    {
        EnsureExists(id);
        return _references.Acquire(id, () => MountLayer(id));
    }

    public override void Put(string id)
    {
        EnsureExists(id);
        _references.Release(id, Unmount);
    }

    public override long ApplyDiff(string id, string? parent, Stream diff)
    {
        EnsureExists(id);
        return LayerArchive.Apply(diff, Paths(id).Diff, WhiteoutMode.OverlayNative);
    }

    public override IReadOnlyDictionary<string, string> GetMetadata(string id)
    {
        EnsureExists(id);
        var paths = Paths(id);
        var metadata = new Dictionary<string, string>
        {
            ["UpperDir"] = paths.Diff,
            ["WorkDir"] = paths.Work,
        };
        var lowers = ReadLowers(paths);
        if (lowers.Count > 0)
        {
            metadata["LowerDir"] = string.Join(':', lowers.Select(ResolveShortLink));
            metadata["MergedDir"] = paths.Merged;
        }
        return metadata;
    }

    public override void Cleanup()
    {
        foreach (var id in _references.ReferencedIds())
        {
            _references.Forget(id, Unmount);
        }
        UnmountLeftovers();
    }

    private void CreateLayer(string id, string? parent, bool readOnly)
    {
        EnsureValid(id);
        var parentLowers = new List<string>();
        if (parent is not null)
        {
            EnsureExists(parent);
            var parentPaths = Paths(parent);
            parentLowers.Add(Path.Join(LinksFolder, File.ReadAllText(parentPaths.LinkFile).Trim()));
            parentLowers.AddRange(ReadLowers(parentPaths));
        }
        var depth = parentLowers.Count + 1;
        if (depth > Capabilities.MaxLayerDepth)
        {
            throw DriverException.InvalidArgument($"layer {id} would be {depth} layers deep; overlay2 here mounts at most {Capabilities.MaxLayerDepth}");
        }

        lock (LockOf(id))
        {
            var paths = Paths(id);
            if (Directory.Exists(paths.Directory))
            {
                throw DriverException.Conflict($"layer {id} already exists");
            }
            // Built aside and renamed into place, so a layer exists only once it is complete.
            var staging = new LayerPaths(_scratch, $"creating-{id}-{Guid.NewGuid():N}");
            var shortLink = NewShortLink();
            try
            {
                foreach (var folder in new[] { staging.Directory, staging.Diff, staging.Work, staging.Merged })
                {
                    Directory.CreateDirectory(folder);
                    LinuxSyscalls.ChangeMode(folder, 0x1ED); // 0755: the diff is the layer's root directory
                }
                File.WriteAllText(staging.LinkFile, shortLink);
                if (parentLowers.Count > 0)
                {
                    File.WriteAllText(staging.LowerFile, string.Join(':', parentLowers));
                }
                if (readOnly)
                {
                    File.WriteAllBytes(staging.CommittedMarker, []);
                }
                Directory.Move(staging.Directory, paths.Directory);
            }
            catch
            {
                FileTree.RemoveAll(staging.Directory);
                throw;
            }
            LinuxSyscalls.Symlink(Path.Join("..", id, "diff"), Path.Join(_root, LinksFolder, shortLink));
        }
    }

    private string MountLayer(string id)
    {
        var paths = Paths(id);
        var lowers = ReadLowers(paths).Select(l => Path.Join(_root, l)).ToList();
        if (lowers.Count == 0)
        {
            return paths.Diff; // nothing to stack: the layer's own directory is its whole filesystem
        }
        if (File.Exists(paths.CommittedMarker))
        {
            lowers.Insert(0, paths.Diff);
            _mounter.Mount(paths.Merged, lowers, upper: null, work: null);
        }
        else
        {
            _mounter.Mount(paths.Merged, lowers, paths.Diff, paths.Work);
        }
        return paths.Merged;
    }

    private void Unmount(string mountedPath)
    {
        if (mountedPath.EndsWith("/merged", StringComparison.Ordinal))
        {
            LinuxSyscalls.Unmount(mountedPath);
        }
    }

    private void UnmountLeftovers()
    {
        foreach (var mountPoint in MountTable.MountPointsUnder(_root))
        {
            if (mountPoint != _root)
            {
                _log.Info($"unmounting {mountPoint}, left mounted by an earlier run");
                LinuxSyscalls.Unmount(mountPoint);
            }
        }
    }

    private static List<string> ReadLowers(LayerPaths paths) =>
        File.Exists(paths.LowerFile)
            ? File.ReadAllText(paths.LowerFile).Trim().Split(':', StringSplitOptions.RemoveEmptyEntries).ToList()
            : [];

    private string ResolveShortLink(string lower)
    {
        var link = Path.Join(_root, lower);
        return Path.GetFullPath(Path.Join(Path.GetDirectoryName(link)!, LinuxSyscalls.ReadLink(link)));
    }

    private string NewShortLink()
    {
        while (true)
        {
            var name = RandomNumberGenerator.GetString(ShortLinkAlphabet, ShortLinkLength);
            if (!LinuxSyscalls.TryLStat(Path.Join(_root, LinksFolder, name), out _))
            {
                return name;
            }
        }
    }

    private static void EnsureValid(string id)
    {
        LayerIds.EnsureValid(id);
        if (id is LinksFolder or "tmp")
        {
            throw DriverException.InvalidArgument($"\"{id}\" is reserved by overlay2 and cannot be a layer id");
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

    private LayerPaths Paths(string id) => new(_root, id);
}
