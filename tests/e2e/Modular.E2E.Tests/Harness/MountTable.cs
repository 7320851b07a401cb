using System.Text;

namespace Modular.E2E.Tests.Harness;

/// <summary>One line of /proc/self/mountinfo, reduced to what cleanup and assertions need.</summary>
public sealed record MountEntry(string MountPoint, string FileSystemType, string Source);

/// <summary>Reads the mount table of this process's mount namespace (the host's: the tests do not unshare).</summary>
public static class MountTable
{
    public static IReadOnlyList<MountEntry> Read()
    {
        var entries = new List<MountEntry>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Fields: id parent major:minor root mount-point options [optional...] - fstype source super-options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }
            entries.Add(new MountEntry(Unescape(fields[4]), fields[separator + 1], Unescape(fields[separator + 2])));
        }
        return entries;
    }

    /// <summary>Mounts strictly below <paramref name="directory"/> or on it, deepest first so they can be unmounted in order.</summary>
    public static IReadOnlyList<MountEntry> Below(string directory)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return Read()
            .Where(mount => mount.MountPoint == root || mount.MountPoint.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(mount => mount.MountPoint.Count(character => character == '/'))
            .ThenByDescending(mount => mount.MountPoint.Length)
            .ToList();
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var bytes = new List<byte>(field.Length);
        for (var index = 0; index < field.Length; index++)
        {
            if (field[index] == '\\' && IsOctal(field, index + 1))
            {
                bytes.Add(Convert.ToByte(field.Substring(index + 1, 3), 8));
                index += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[index].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text.Substring(start, 3).All(character => character is >= '0' and <= '7');
}
