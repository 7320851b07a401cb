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
/// with its diff as the topmost lower directory. Layers are filled natively, writing overlayfs whiteouts straight into
/// the diff directory, and a layer's Diff, Changes and DiffSize against its own parent are read from its diff directory
/// (<see cref="NativeOverlayDiff"/>); against any other layer, or when overlayfs left redirects or metacopy files the
/// diff directory cannot express alone, the mounted trees are compared. On a backing filesystem that enforces project
/// quotas, container layers can be limited in size (<c>overlay2.size</c>, or the <c>size</c> storage option).
/// </summary>
public sealed class Overlay2StorageDriver : NaiveDiffStorageDriver, IStorageDriver
{
    public const string DriverName = "overlay2";

    private const string LinksFolder = "l";
    private const int ShortLinkLength = 26;
    private const string ShortLinkAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string QuotaUnsupported = "--storage-opt is supported only for overlay over xfs with 'pquota' mount option";

    private readonly string _root;
    private readonly string _scratch;
    private readonly IDriverLog _log;
    private readonly OverlayMounter _mounter;
    private readonly Overlay2Options _options;
    private readonly ProjectQuotas? _quotas;
    private readonly MountRefCounter _references = new();
    private readonly ConcurrentDictionary<string, object> _layerLocks = new(StringComparer.Ordinal);
    private readonly LayerChildren _children;

    public Overlay2StorageDriver(DriverContext context)
    {
        _root = Path.GetFullPath(context.Root);
        _scratch = Path.Join(_root, "tmp");
        _log = context.Log;
        _options = Overlay2Options.Parse(context.Options);
        var backing = BackingFilesystem.Inspect(_root);
        Directory.CreateDirectory(Path.Join(_root, LinksFolder));
        FileTree.RemoveAll(_scratch);
        Directory.CreateDirectory(_scratch);
        // Mounts an earlier run left are not unmounted here: a container that outlived the daemon still uses its own,
        // and Get adopts it. The engine unmounts the ones nobody claims, and Cleanup unmounts everything.
        _mounter = new OverlayMounter(Path.Join(_root, LinksFolder));
        _children = new LayerChildren(ReadParents);
        _quotas = ProjectQuotas.TryOpen(_root, LayerDirectories(), out var noQuotaReason);
        if (_quotas is null && _options.DefaultContainerSize > 0)
        {
            throw DriverException.InvalidArgument(
                $"Storage option overlay2.size not supported. Filesystem does not support Project Quota: {noQuotaReason}");
        }

        var shortLower = Path.Join(_root, LinksFolder, new string('X', ShortLinkLength)).Length;
        var upperAndWork = 2 * Path.Join(_root, new string('x', LayerIds.MaxLength), "merged").Length + 20;
        Capabilities = new StorageCapabilities(
            MaxLayerDepth: _mounter.MaxLowerLayers(shortLower, upperAndWork),
            NativeDiff: true,
            Quotas: _quotas is not null,
            CopyOnWrite: true);
        Status =
        [
            new("Backing Filesystem", backing.Name),
            new("Supports d_type", "true"),
            new("Using metacopy", "false"),
            new("Native Overlay Diff", "true"),
        ];
        _log.Debug($"overlay2 on {backing.Name} at {_root}; lowerdir+ {(_mounter.UsesLowerDirAppend ? "available" : "unavailable")}, " +
            $"max depth {Capabilities.MaxLayerDepth}, project quotas {(_quotas is null ? $"unavailable ({noQuotaReason})" : "available")}");
    }

    public override string Name => DriverName;

    public override StorageCapabilities Capabilities { get; }

    public override IReadOnlyList<KeyValuePair<string, string>> Status { get; }

    protected override string ScratchDirectory => _scratch;

    public override void Create(string id, string? parent) => CreateLayer(id, parent, readOnly: true, sizeLimit: 0);

    public override void CreateReadWrite(string id, string? parent) =>
        CreateReadWrite(id, parent, new Dictionary<string, string>());

    /// <summary>Creates a container layer; <c>size</c> in <paramref name="storageOptions"/> (or <c>overlay2.size</c>) limits it.</summary>
    public void CreateReadWrite(string id, string? parent, IReadOnlyDictionary<string, string> storageOptions)
    {
        var size = _options.ContainerSize(storageOptions);
        if (size > 0 && _quotas is null)
        {
            throw DriverException.InvalidArgument(QuotaUnsupported);
        }
        CreateLayer(id, parent, readOnly: false, sizeLimit: size);
    }

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
            if (_children.AnyChildOf(id) is { } child)
            {
                throw DriverException.Conflict($"layer {id} cannot be removed: layer {child} is stacked on it");
            }
            _references.Forget(id, Unmount);
            if (MountTable.IsMountPoint(paths.Merged))
            {
                LinuxSyscalls.Unmount(paths.Merged);
            }
            if (File.Exists(paths.LinkFile))
            {
                File.Delete(Path.Join(_root, LinksFolder, File.ReadAllText(paths.LinkFile).Trim()));
            }
            ReleaseQuota(paths.Directory);
            var doomed = Path.Join(_scratch, $"removing-{id}-{Guid.NewGuid():N}");
            Directory.Move(paths.Directory, doomed);
            _children.Removed(id);
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

    public override Stream Diff(string id, string? parent)
    {
        if (NativeEntries(id, parent) is not { } entries)
        {
            return base.Diff(id, parent);
        }
        Directory.CreateDirectory(ScratchDirectory);
        var spool = new FileStream(Path.Join(ScratchDirectory, $"diff-{Guid.NewGuid():N}.tar"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            NativeOverlayDiff.WriteTar(entries, Paths(id).Diff, spool);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    public override IReadOnlyList<FileChange> Changes(string id, string? parent)
    {
        if (NativeEntries(id, parent) is not { } entries)
        {
            return base.Changes(id, parent);
        }
        if (parent is null)
        {
            return NativeOverlayDiff.Changes(entries, Paths(id).Diff, parentRoot: null);
        }
        var parentRoot = Get(parent);
        try
        {
            return NativeOverlayDiff.Changes(entries, Paths(id).Diff, parentRoot);
        }
        finally
        {
            Put(parent);
        }
    }

    public override long DiffSize(string id, string? parent) =>
        NativeEntries(id, parent) is { } entries ? NativeOverlayDiff.Size(entries) : base.DiffSize(id, parent);

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

    /// <summary>The layer's diff directory, scanned, when it alone tells the changes against <paramref name="parent"/>.</summary>
    private IReadOnlyList<UpperEntry>? NativeEntries(string id, string? parent)
    {
        EnsureExists(id);
        if (parent is not null)
        {
            EnsureExists(parent);
        }
        var lowers = ReadLowers(Paths(id));
        var actualParent = parent is null
            ? lowers.Count == 0
            : lowers.Count > 0 && lowers[0] == Path.Join(LinksFolder, File.ReadAllText(Paths(parent).LinkFile).Trim());
        if (!actualParent)
        {
            return null;
        }
        var entries = UpperDirectoryScan.TryScan(Paths(id).Diff, out var untranslatable);
        if (entries is null)
        {
            _log.Debug($"layer {id}: comparing trees, its diff directory cannot be read alone: {untranslatable}");
        }
        return entries;
    }

    // A limit left on an unused project id costs nothing, so failing to lift it must not stop a removal.
    private void ReleaseQuota(string layerDirectory)
    {
        try
        {
            _quotas?.Release(layerDirectory);
        }
        catch (DriverException e)
        {
            _log.Warn($"could not lift the size limit of {layerDirectory}: {e.Message}");
        }
    }

    // A child names its parent's short link first in its lower file; layers keep no list of their children.
    // Every layer with the one it is stacked on (its nearest lower, by short link); a layer removed meanwhile is skipped.
    private IEnumerable<(string Id, string? Parent)> ReadParents()
    {
        var idOfLink = new Dictionary<string, string>(StringComparer.Ordinal);
        var nearestLowers = new List<(string Id, string? Nearest)>();
        foreach (var id in LayerDirectories().Select(directory => Path.GetFileName(directory)))
        {
            var paths = Paths(id);
            if (ReadShortLink(paths) is { } link)
            {
                idOfLink[Path.Join(LinksFolder, link)] = id;
            }
            nearestLowers.Add((id, ReadLowers(paths) is [var nearest, ..] ? nearest : null));
        }
        return nearestLowers.Select(layer =>
            (layer.Id, layer.Nearest is not null && idOfLink.TryGetValue(layer.Nearest, out var parent) ? parent : null)).ToList();
    }

    private IEnumerable<string> LayerDirectories() =>
        Directory.EnumerateDirectories(_root).Where(d => Path.GetFileName(d) is not (LinksFolder or "tmp"));

    private void CreateLayer(string id, string? parent, bool readOnly, long sizeLimit)
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
                Directory.CreateDirectory(staging.Directory);
                if (sizeLimit > 0)
                {
                    // Before diff and work exist, so both inherit the layer's project.
                    _quotas!.Limit(staging.Directory, sizeLimit);
                }
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
                if (sizeLimit > 0 && Directory.Exists(staging.Directory))
                {
                    ReleaseQuota(staging.Directory);
                }
                FileTree.RemoveAll(staging.Directory);
                throw;
            }
            LinuxSyscalls.Symlink(Path.Join("..", id, "diff"), Path.Join(_root, LinksFolder, shortLink));
            _children.Created(id, parent);
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
        if (MountTable.IsMountPoint(paths.Merged))
        {
            // Mounted by an earlier run for a container that kept running: a second overlay on the same upper
            // directory would be undefined behaviour, so this one is taken over.
            return paths.Merged;
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

    // A sibling layer may be removed (its folder moved away) by another thread at any moment while layers are
    // scanned, so a lower file that vanishes between listing and reading counts as absent.
    private static List<string> ReadLowers(LayerPaths paths)
    {
        try
        {
            return File.ReadAllText(paths.LowerFile).Trim().Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static string? ReadShortLink(LayerPaths paths)
    {
        try
        {
            return File.ReadAllText(paths.LinkFile).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

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
