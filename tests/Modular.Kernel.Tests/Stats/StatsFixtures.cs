using System.Runtime.CompilerServices;

namespace Modular.Kernel.Tests.Stats;

/// <summary>
/// Cgroup trees and /proc files captured on the Debian 12 test machine (hybrid cgroups, runc 1.1.5): the v1 trees are
/// copies of a dockerd container's cgroup files; the v2 trees and the v1 blkio tree are written in the kernel's formats
/// because this host mounts no v2 controller and its virtio disk never accounts throttled I/O ("Total 0" only).
/// </summary>
internal static class StatsFixtures
{
    public const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string CgroupPath = "modular/" + ContainerId;

    /// <summary>The test machine's MemTotal (24684084 kB), as the captured meminfo says.</summary>
    public const ulong HostMemory = 24684084UL * 1024;

    public static string Tree(string name) => Path.Combine(Folder(), name);

    public static IEnumerable<string> Lines(string relative) => File.ReadLines(Path.Combine(Folder(), relative));

    private static string Folder([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Fixtures");
}
