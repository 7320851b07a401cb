using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>A container user resolved to numbers, with the home folder from the container's passwd file.</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);

/// <summary>
/// Resolves Docker's <c>--user</c> forms (name, uid, name:group, uid:gid) against the container's own /etc/passwd and
/// /etc/group, as dockerd does; the OCI runtime only takes numbers.
/// </summary>
public static class UserResolver
{
    public static ResolvedUser Resolve(string rootfs, string user)
    {
        var passwd = ReadEntries(Path.Combine(rootfs, "etc/passwd"));
        var groups = ReadEntries(Path.Combine(rootfs, "etc/group"));
        var (userPart, groupPart) = user.Split(':', 2) is [var u, var g] ? (u, g) : (user, null);
        if (userPart.Length == 0)
        {
            userPart = "0";
        }

        string[]? entry = passwd.FirstOrDefault(p => p[0] == userPart)
            ?? (uint.TryParse(userPart, out _) ? passwd.FirstOrDefault(p => p.Length > 2 && p[2] == userPart) : null);
        uint uid;
        uint gid;
        var home = "/";
        if (entry is { Length: >= 4 })
        {
            uid = uint.Parse(entry[2]);
            gid = uint.TryParse(entry[3], out var primary) ? primary : 0;
            home = entry.Length > 5 && entry[5].Length > 0 ? entry[5] : "/";
        }
        else if (uint.TryParse(userPart, out var numeric))
        {
            // dockerd leaves the group at 0 for a uid the passwd file does not know.
            uid = numeric;
            gid = 0;
            home = numeric == 0 ? "/root" : "/";
        }
        else
        {
            throw DriverException.InvalidArgument($"unable to find user {userPart}: no matching entries in passwd file");
        }

        if (groupPart is { Length: > 0 })
        {
            var group = groups.FirstOrDefault(g => g[0] == groupPart);
            if (group is { Length: >= 3 } && uint.TryParse(group[2], out var named))
            {
                gid = named;
            }
            else if (uint.TryParse(groupPart, out var numericGroup))
            {
                gid = numericGroup;
            }
            else
            {
                throw DriverException.InvalidArgument($"unable to find group {groupPart}: no matching entries in group file");
            }
        }

        // Supplementary groups come only with the implicit form (no group named), as in dockerd.
        var name = groupPart is { Length: > 0 } ? null : entry?[0];
        var additional = name is null
            ? new List<uint>()
            : groups.Where(line => line.Length >= 4 && line[3].Split(',').Contains(name) && uint.TryParse(line[2], out _))
                .Select(line => uint.Parse(line[2])).Where(id => id != gid).Distinct().ToList();
        return new ResolvedUser(uid, gid, additional, home);
    }

    private static List<string[]> ReadEntries(string path)
    {
        // A symlink in the image (the file itself or its /etc) could point anywhere on the host: only a regular
        // file reached without any symlink is read.
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Directory?.LinkTarget is not null)
        {
            return [];
        }
        return File.ReadLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':'))
            .ToList();
    }
}
