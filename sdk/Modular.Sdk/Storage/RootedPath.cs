using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>
/// Maps archive paths onto a host directory without ever leaving it. Symlinks met on the way are followed the way a
/// process chrooted into the root would see them (an absolute target starts again at the root), and a relative
/// target that climbs above the root is refused rather than clamped, because such a layer is malicious or broken.
/// </summary>
internal static class RootedPath
{
    private const int MaxSymlinkHops = 40;

    /// <summary>The clean components of an archive path; refuses absolute paths and <c>..</c> that climbs above the root.</summary>
    public static List<string> Components(string archivePath)
    {
        if (archivePath.StartsWith('/'))
        {
            throw DriverException.InvalidArgument($"layer entry \"{archivePath}\" is an absolute path");
        }
        if (archivePath.Contains('\0'))
        {
            throw DriverException.InvalidArgument("layer entry name contains a NUL character");
        }
        var parts = new List<string>();
        foreach (var part in archivePath.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw DriverException.InvalidArgument($"layer entry \"{archivePath}\" escapes the layer root");
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts;
    }

    /// <summary>
    /// The host path of the directory named by <paramref name="components"/> under <paramref name="root"/>, with symlinks
    /// resolved inside the root. Missing directories are created (mode 0755) when <paramref name="createMissing"/> is set,
    /// otherwise null is returned for them.
    /// </summary>
    public static string? ResolveDirectory(string root, IEnumerable<string> components, bool createMissing, string entryName)
    {
        var resolved = new List<string>();
        var pending = new LinkedList<string>(components);
        var hops = 0;
        while (pending.First is { } node)
        {
            var part = node.Value;
            pending.RemoveFirst();
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count == 0)
                {
                    throw DriverException.InvalidArgument($"layer entry \"{entryName}\" goes through a symlink that leaves the layer root");
                }
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Join(root, resolved, part);
            if (!LinuxSyscalls.TryLStat(candidate, out var status))
            {
                if (!createMissing)
                {
                    return null;
                }
                Directory.CreateDirectory(candidate);
                LinuxSyscalls.ChangeMode(candidate, 0x1ED); // 0755, whatever the process umask is
                resolved.Add(part);
                continue;
            }
            if (status.IsDirectory)
            {
                resolved.Add(part);
                continue;
            }
            if (!status.IsSymlink)
            {
                throw DriverException.InvalidArgument($"layer entry \"{entryName}\" needs \"{string.Join('/', resolved.Append(part))}\" to be a directory");
            }
            if (++hops > MaxSymlinkHops)
            {
                throw DriverException.InvalidArgument($"layer entry \"{entryName}\" meets too many levels of symlinks");
            }
            var target = LinuxSyscalls.ReadLink(candidate);
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            var targetParts = target.Split('/');
            for (var i = targetParts.Length - 1; i >= 0; i--)
            {
                pending.AddFirst(targetParts[i]);
            }
        }
        return Join(root, resolved, null);
    }

    private static string Join(string root, List<string> resolved, string? last)
    {
        var path = resolved.Count == 0 ? root : Path.Join(root, string.Join('/', resolved));
        return last is null ? path : Path.Join(path, last);
    }
}
