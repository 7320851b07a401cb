using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>Small filesystem operations storage drivers need that never follow symlinks.</summary>
public static class FileTree
{
    /// <summary>Deletes <paramref name="path"/> and, for a directory, everything below it. A symlink is removed, never followed. A missing path is not an error.</summary>
    public static void RemoveAll(string path)
    {
        if (!LinuxSyscalls.TryLStat(path, out var status))
        {
            return;
        }
        if (!status.IsDirectory)
        {
            File.Delete(path);
            return;
        }
        foreach (var child in ChildNames(path))
        {
            RemoveAll(Path.Join(path, child));
        }
        Directory.Delete(path);
    }

    /// <summary>The names of a directory's entries (without <c>.</c> and <c>..</c>), sorted ordinally so walks are deterministic.</summary>
    public static List<string> ChildNames(string directory)
    {
        var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The extended attributes of a node itself (a symlink's own, not its target's), by name.</summary>
    public static SortedDictionary<string, byte[]> ReadXattrs(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in LinuxSyscalls.ListXattrs(path))
        {
            if (LinuxSyscalls.GetXattr(path, name) is { } value)
            {
                result[name] = value;
            }
        }
        return result;
    }
}
