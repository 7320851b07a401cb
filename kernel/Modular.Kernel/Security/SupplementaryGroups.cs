using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>--group-add: group names are looked up in the container's /etc/group, numbers are taken as they are.</summary>
public static class SupplementaryGroups
{
    public static IReadOnlyList<uint> Resolve(string rootfs, IReadOnlyList<string> groups)
    {
        var groupFile = Path.Combine(rootfs, "etc/group");
        var entries = File.Exists(groupFile)
            ? File.ReadLines(groupFile).Select(l => l.Split(':')).Where(f => f.Length >= 3).ToList()
            : [];
        var gids = new List<uint>();
        foreach (var group in groups)
        {
            if (uint.TryParse(group, out var numeric))
            {
                gids.Add(numeric);
            }
            else if (entries.FirstOrDefault(e => e[0] == group) is { } entry && uint.TryParse(entry[2], out var named))
            {
                gids.Add(named);
            }
            else
            {
                throw DriverException.InvalidArgument($"Unable to find group {group}: no matching entries in group file");
            }
        }
        return gids;
    }
}
