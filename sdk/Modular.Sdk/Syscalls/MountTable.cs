namespace Modular.Sdk.Syscalls;

/// <summary>Reads the calling process's mount table (<c>/proc/self/mountinfo</c>).</summary>
public static class MountTable
{
    /// <summary>The mount points currently in the table, decoded from the kernel's octal escapes, in mount order.</summary>
    public static IReadOnlyList<string> MountPoints()
    {
        var points = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Fields: mount id, parent id, major:minor, root, mount point, ...
            var fields = line.Split(' ');
            if (fields.Length > 4)
            {
                points.Add(Unescape(fields[4]));
            }
        }
        return points;
    }

    /// <summary>Whether <paramref name="path"/> is a mount point.</summary>
    public static bool IsMountPoint(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // One statx instead of reading the whole table: with a hundred overlay mounts, every read of mountinfo makes
        // the kernel format and escape all their options, and a daemon asks at each container start and removal.
        return MountRoot.Of(full) ?? MountPoints().Contains(full, StringComparer.Ordinal);
    }

    /// <summary>Mount points at or below <paramref name="folder"/>, deepest first, so they can be unmounted in that order.</summary>
    public static IReadOnlyList<string> MountPointsUnder(string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return MountPoints()
            .Where(p => p == root || p.StartsWith(root + "/", StringComparison.Ordinal))
            .Reverse()
            .ToList();
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
