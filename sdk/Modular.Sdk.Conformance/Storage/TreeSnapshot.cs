using System.Security.Cryptography;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>
/// What a directory tree holds, path by path, in a form two trees can be compared with: type, permissions, owners,
/// content hash, symlink target, device number, xattrs (overlayfs' own left out), and which paths share an inode.
/// </summary>
internal sealed class TreeSnapshot
{
    private readonly SortedDictionary<string, string> _nodes = new(StringComparer.Ordinal);

    private TreeSnapshot()
    {
    }

    /// <summary>Reads every node below <paramref name="root"/>; with <paramref name="withTimes"/>, modification seconds too.</summary>
    public static TreeSnapshot Capture(string root, bool withTimes = false)
    {
        var snapshot = new TreeSnapshot();
        var inodes = new Dictionary<(ulong, ulong), List<string>>();
        var statuses = new Dictionary<string, FileStatus>(StringComparer.Ordinal);
        Walk(root, "", statuses, inodes);
        var linkGroups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in inodes.Values.Where(g => g.Count > 1))
        {
            var names = string.Join(",", group.Order(StringComparer.Ordinal));
            foreach (var path in group)
            {
                linkGroups[path] = names;
            }
        }
        foreach (var (relative, status) in statuses)
        {
            snapshot._nodes[relative] = Describe(Path.Join(root, relative), status, linkGroups.GetValueOrDefault(relative), withTimes);
        }
        return snapshot;
    }

    /// <summary>The paths this snapshot holds, relative and slash-separated, sorted.</summary>
    public IReadOnlyCollection<string> Paths => _nodes.Keys;

    /// <summary>Fails with every difference listed when <paramref name="actual"/> does not hold what <paramref name="expected"/> holds.</summary>
    public static void AssertEqual(TreeSnapshot expected, TreeSnapshot actual, string what)
    {
        var differences = new List<string>();
        foreach (var (path, facts) in expected._nodes)
        {
            if (!actual._nodes.TryGetValue(path, out var other))
            {
                differences.Add($"missing {path} ({facts})");
            }
            else if (other != facts)
            {
                differences.Add($"{path}: expected {facts}, got {other}");
            }
        }
        differences.AddRange(actual._nodes.Keys.Where(p => !expected._nodes.ContainsKey(p)).Select(p => $"unexpected {p} ({actual._nodes[p]})"));
        if (differences.Count > 0)
        {
            Xunit.Assert.Fail($"{what} differs:\n  " + string.Join("\n  ", differences));
        }
    }

    private static void Walk(string root, string relativeDirectory, Dictionary<string, FileStatus> statuses, Dictionary<(ulong, ulong), List<string>> inodes)
    {
        foreach (var name in FileTree.ChildNames(Path.Join(root, relativeDirectory)))
        {
            if (relativeDirectory.Length == 0 && name == "lost+found")
            {
                continue; // ext4 makes it at a filesystem's root; it belongs to no layer
            }
            var relative = relativeDirectory.Length == 0 ? name : relativeDirectory + "/" + name;
            var status = LinuxSyscalls.LStat(Path.Join(root, relative));
            statuses[relative] = status;
            if (status.IsDirectory)
            {
                Walk(root, relative, statuses, inodes);
            }
            else if (status.LinkCount > 1)
            {
                var key = (status.Device, status.Inode);
                if (!inodes.TryGetValue(key, out var group))
                {
                    inodes[key] = group = [];
                }
                group.Add(relative);
            }
        }
    }

    private static string Describe(string path, FileStatus status, string? linkGroup, bool withTimes)
    {
        var facts = $"type {status.Type:x} mode {Convert.ToString(status.Permissions, 8)} owner {status.Uid}:{status.Gid}";
        if (status.IsRegularFile)
        {
            using var content = File.OpenRead(path);
            facts += $" size {status.Size} sha256 {Convert.ToHexString(SHA256.HashData(content))[..16]}";
        }
        if (status.IsSymlink)
        {
            facts += $" -> {LinuxSyscalls.ReadLink(path)}";
        }
        if (status.IsDevice)
        {
            facts += $" device {LinuxSyscalls.Major(status.SpecialDevice)}:{LinuxSyscalls.Minor(status.SpecialDevice)}";
        }
        foreach (var (name, value) in FileTree.ReadXattrs(path).Where(x => !x.Key.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal)))
        {
            facts += $" xattr {name}={Convert.ToHexString(value)}";
        }
        if (linkGroup is not null)
        {
            facts += $" links [{linkGroup}]";
        }
        if (withTimes)
        {
            facts += $" mtime {status.ModificationTime.Seconds}";
        }
        return facts;
    }
}
