using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>
/// A layer's changes read from its diff directory instead of comparing whole trees: what the directory holds is
/// exactly what the layer changed. A path also present in the parent's view is Modified, one absent from it is Added,
/// a whiteout of a path the parent has is Deleted, and an opaque directory deletes whatever the parent had in it. A
/// directory overlayfs merely copied up to hold a change below it, with the parent's owner, mode, time and xattrs,
/// is not itself a change.
/// </summary>
internal static class NativeOverlayDiff
{
    /// <summary>The changes, sorted by path; <paramref name="parentRoot"/> is the parent's mounted view, or null for a base layer.</summary>
    public static IReadOnlyList<FileChange> Changes(IReadOnlyList<UpperEntry> entries, string diffDirectory, string? parentRoot)
    {
        var changes = new List<FileChange>();
        foreach (var entry in entries)
        {
            var below = parentRoot is not null && LinuxSyscalls.TryLStat(Path.Join(parentRoot, entry.Path), out var parentStatus)
                ? parentStatus
                : (FileStatus?)null;
            if (entry.IsWhiteout)
            {
                if (below is not null)
                {
                    changes.Add(new FileChange(entry.Path, FileChangeKind.Deleted));
                }
                continue;
            }
            if (below is null)
            {
                changes.Add(new FileChange(entry.Path, FileChangeKind.Added));
                continue;
            }
            var hostPath = Path.Join(diffDirectory, entry.Path);
            var parentPath = Path.Join(parentRoot!, entry.Path);
            if (!(entry.Status.IsDirectory && below.Value.IsDirectory && SameDirectory(hostPath, entry.Status, parentPath, below.Value)))
            {
                changes.Add(new FileChange(entry.Path, FileChangeKind.Modified));
            }
            if (entry.IsOpaqueDirectory && below.Value.IsDirectory)
            {
                foreach (var hidden in FileTree.ChildNames(parentPath).Where(name => !LinuxSyscalls.TryLStat(Path.Join(hostPath, name), out _)))
                {
                    changes.Add(new FileChange(entry.Path + "/" + hidden, FileChangeKind.Deleted));
                }
            }
        }
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    /// <summary>The bytes of the regular files the layer holds, each inode counted once.</summary>
    public static long Size(IReadOnlyList<UpperEntry> entries)
    {
        var seen = new HashSet<ulong>();
        return entries.Where(e => e.Status.IsRegularFile && seen.Add(e.Status.Inode)).Sum(e => e.Status.Size);
    }

    /// <summary>Writes the layer as an OCI layer tar: whiteouts as <c>.wh.NAME</c>, opaque directories with <c>.wh..wh..opq</c>.</summary>
    public static void WriteTar(IReadOnlyList<UpperEntry> entries, string diffDirectory, Stream output)
    {
        using var tar = new LayerTarWriter(output);
        foreach (var entry in entries)
        {
            var relative = entry.Path.TrimStart('/');
            var hostPath = Path.Join(diffDirectory, relative);
            if (entry.IsWhiteout)
            {
                var directoryTime = LinuxSyscalls.LStat(Path.GetDirectoryName(hostPath)!).ModificationTime.ToDateTimeOffset();
                tar.AddWhiteout(relative, directoryTime);
                continue;
            }
            tar.AddNode(hostPath, relative);
            if (entry.IsOpaqueDirectory)
            {
                tar.AddOpaqueMarker(relative, entry.Status.ModificationTime.ToDateTimeOffset());
            }
        }
    }

    // Tar keeps times to 100 ns (PAX) or whole seconds, so a layer that went through a tar still compares equal.
    private static bool SameTime(UnixTime a, UnixTime b) =>
        a.Seconds == b.Seconds && (a.Nanoseconds / 100 == b.Nanoseconds / 100 || a.Nanoseconds == 0 || b.Nanoseconds == 0);

    private static bool SameDirectory(string path, FileStatus status, string parentPath, FileStatus parent)
    {
        if (status.Mode != parent.Mode || status.Uid != parent.Uid || status.Gid != parent.Gid ||
            !SameTime(status.ModificationTime, parent.ModificationTime))
        {
            return false;
        }
        var own = UserVisibleXattrs(path);
        var parents = UserVisibleXattrs(parentPath);
        return own.Count == parents.Count && own.All(x => parents.TryGetValue(x.Key, out var v) && v.AsSpan().SequenceEqual(x.Value));
    }

    private static Dictionary<string, byte[]> UserVisibleXattrs(string path) =>
        FileTree.ReadXattrs(path)
            .Where(x => !x.Key.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal))
            .ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
}
