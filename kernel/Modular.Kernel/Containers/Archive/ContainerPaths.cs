using Modular.Sdk;

namespace Modular.Kernel.Containers.Archive;

/// <summary>Lexical path rules of <c>docker cp</c>: container paths are absolute and cleaned as Go's filepath.Join("/", p) does.</summary>
public static class ContainerPaths
{
    /// <summary>The absolute, cleaned form: <c>..</c> at the top stays at the top, as in a chroot.</summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// Whether the caller asked for what is inside a directory (<c>dir/.</c>) or insisted on a directory (<c>dir/</c>):
    /// then the last component is followed even when it is a symlink, as <c>lstat("dir/")</c> does.
    /// </summary>
    public static bool NamesDirectory(string path) =>
        path.Length == 0 || path == "." || path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal);

    /// <summary>The base name moby reports for a path it keeps the trailing "/." or "/" of.</summary>
    public static string BaseName(string original, string clean)
    {
        if (original == "." || original.EndsWith("/.", StringComparison.Ordinal))
        {
            return ".";
        }
        return clean == "/" ? "/" : clean[(clean.LastIndexOf('/') + 1)..];
    }

    /// <summary>Splits a cleaned absolute path into its parent (relative to the root, "" for the root) and its last name.</summary>
    public static (string Parent, string Name) Split(string clean)
    {
        var slash = clean.LastIndexOf('/');
        return (clean[1..Math.Max(slash, 1)], clean[(slash + 1)..]);
    }

    /// <summary>
    /// The relative, cleaned name of a tar entry (a leading "/" is dropped, as moby does); null for the extraction
    /// directory itself. A name that climbs above it is refused.
    /// </summary>
    public static string? EntryName(string name)
    {
        if (name.Contains('\0'))
        {
            throw DriverException.InvalidArgument("invalid entry name: it contains a NUL character");
        }
        var parts = new List<string>();
        foreach (var part in name.TrimStart('/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw DriverException.InvalidArgument($"invalid entry name \"{name}\": it leads outside the extraction directory");
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }
}
