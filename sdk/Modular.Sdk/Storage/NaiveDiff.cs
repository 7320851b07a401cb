using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>
/// Computes a layer's changes by comparing its full tree with its parent's full tree, for drivers whose filesystem
/// keeps no record of what a layer changed. A path counts as modified when its type, mode, owner, size (not for
/// directories), modification time, device number, symlink target or xattrs differ; content is not read, as with
/// Docker, so a rewrite that keeps size and mtime is not seen.
/// </summary>
public static class NaiveDiff
{
    /// <summary>The changes of <paramref name="layerRoot"/> against <paramref name="parentRoot"/> (null: everything is added), sorted by path.</summary>
    public static IReadOnlyList<FileChange> Changes(string layerRoot, string? parentRoot)
    {
        var changes = new List<FileChange>();
        Compare(layerRoot, parentRoot, "", changes);
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    /// <summary>The bytes of regular files added or modified, each inode counted once.</summary>
    public static long Size(string layerRoot, string? parentRoot)
    {
        var seen = new HashSet<(ulong, ulong)>();
        long size = 0;
        foreach (var change in Changes(layerRoot, parentRoot))
        {
            if (change.Kind == FileChangeKind.Deleted)
            {
                continue;
            }
            var status = LinuxSyscalls.LStat(HostPath(layerRoot, change.Path));
            if (status.IsRegularFile && seen.Add((status.Device, status.Inode)))
            {
                size += status.Size;
            }
        }
        return size;
    }

    /// <summary>Writes the layer's changes as an OCI layer tar (deletions as whiteouts) to <paramref name="output"/>.</summary>
    public static void WriteTar(string layerRoot, string? parentRoot, Stream output)
    {
        using var tar = new LayerTarWriter(output);
        foreach (var change in Changes(layerRoot, parentRoot))
        {
            var relative = change.Path.TrimStart('/');
            if (change.Kind == FileChangeKind.Deleted)
            {
                var parentDirectory = Path.GetDirectoryName(HostPath(layerRoot, change.Path)) ?? layerRoot;
                tar.AddWhiteout(relative, LinuxSyscalls.LStat(parentDirectory).ModificationTime.ToDateTimeOffset());
            }
            else
            {
                tar.AddNode(HostPath(layerRoot, change.Path), relative);
            }
        }
    }

    private static string HostPath(string root, string changePath) => Path.Join(root, changePath.TrimStart('/'));

    private static void Compare(string layerRoot, string? parentRoot, string relativeDirectory, List<FileChange> changes)
    {
        var layerDirectory = Path.Join(layerRoot, relativeDirectory);
        var parentDirectory = parentRoot is null ? null : Path.Join(parentRoot, relativeDirectory);
        var parentNames = parentDirectory is not null && LinuxSyscalls.TryLStat(parentDirectory, out var p) && p.IsDirectory
            ? new HashSet<string>(FileTree.ChildNames(parentDirectory), StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

        foreach (var name in FileTree.ChildNames(layerDirectory))
        {
            var relative = relativeDirectory + "/" + name;
            var layerPath = Path.Join(layerRoot, relative);
            var layerStatus = LinuxSyscalls.LStat(layerPath);
            if (!parentNames.Remove(name))
            {
                AddAll(layerRoot, relative, layerStatus, changes);
                continue;
            }
            var parentPath = Path.Join(parentRoot!, relative);
            var parentStatus = LinuxSyscalls.LStat(parentPath);
            if (layerStatus.IsDirectory && parentStatus.IsDirectory)
            {
                if (Differs(layerPath, layerStatus, parentPath, parentStatus))
                {
                    changes.Add(new FileChange(relative, FileChangeKind.Modified));
                }
                Compare(layerRoot, parentRoot, relative, changes);
            }
            else if (Differs(layerPath, layerStatus, parentPath, parentStatus))
            {
                changes.Add(new FileChange(relative, FileChangeKind.Modified));
                if (layerStatus.IsDirectory)
                {
                    AddDescendants(layerRoot, relative, changes);
                }
            }
        }
        foreach (var deleted in parentNames)
        {
            changes.Add(new FileChange(relativeDirectory + "/" + deleted, FileChangeKind.Deleted));
        }
    }

    private static void AddAll(string layerRoot, string relative, FileStatus status, List<FileChange> changes)
    {
        changes.Add(new FileChange(relative, FileChangeKind.Added));
        if (status.IsDirectory)
        {
            AddDescendants(layerRoot, relative, changes);
        }
    }

    private static void AddDescendants(string layerRoot, string relativeDirectory, List<FileChange> changes)
    {
        foreach (var name in FileTree.ChildNames(Path.Join(layerRoot, relativeDirectory)))
        {
            var relative = relativeDirectory + "/" + name;
            AddAll(layerRoot, relative, LinuxSyscalls.LStat(Path.Join(layerRoot, relative)), changes);
        }
    }

    // Tar keeps times to 100 ns (PAX) or whole seconds (ustar), so a layer that went through a tar must still compare equal.
    private static bool SameTime(UnixTime a, UnixTime b) =>
        a.Seconds == b.Seconds && (a.Nanoseconds / 100 == b.Nanoseconds / 100 || a.Nanoseconds == 0 || b.Nanoseconds == 0);

    private static bool Differs(string layerPath, FileStatus layer, string parentPath, FileStatus parent)
    {
        if (layer.Mode != parent.Mode || layer.Uid != parent.Uid || layer.Gid != parent.Gid ||
            !SameTime(layer.ModificationTime, parent.ModificationTime) || layer.SpecialDevice != parent.SpecialDevice)
        {
            return true;
        }
        if (!layer.IsDirectory && layer.Size != parent.Size)
        {
            return true;
        }
        if (layer.IsSymlink && LinuxSyscalls.ReadLink(layerPath) != LinuxSyscalls.ReadLink(parentPath))
        {
            return true;
        }
        var layerXattrs = FileTree.ReadXattrs(layerPath);
        var parentXattrs = FileTree.ReadXattrs(parentPath);
        return layerXattrs.Count != parentXattrs.Count ||
            layerXattrs.Any(x => !parentXattrs.TryGetValue(x.Key, out var v) || !v.AsSpan().SequenceEqual(x.Value));
    }
}
