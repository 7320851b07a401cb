using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Btrfs;

/// <summary>
/// Deletes a subvolume even when a container made subvolumes inside it (docker-in-docker on btrfs does), which the
/// kernel refuses to delete with their parent. The common case costs one ioctl; only a refusal walks the tree.
/// </summary>
internal static class SubvolumeRemover
{
    // Every subvolume's root directory has this inode number (BTRFS_FIRST_FREE_OBJECTID); no plain directory can.
    private const ulong SubvolumeRootInode = 256;

    /// <summary>Deletes the subvolume at <paramref name="path"/> and any subvolume nested anywhere below it.</summary>
    public static void Delete(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var name = Path.GetFileName(path);
        try
        {
            BtrfsIoctls.DestroySubvolume(directory, name);
        }
        catch (SyscallException e) when (e.Errno == Errno.ENOTEMPTY)
        {
            DeleteNestedBelow(path);
            BtrfsIoctls.DestroySubvolume(directory, name);
        }
    }

    /// <summary>Whether <paramref name="path"/> is the root of a subvolume.</summary>
    public static bool IsSubvolume(string path) =>
        LinuxSyscalls.TryLStat(path, out var status) && status.IsDirectory && status.Inode == SubvolumeRootInode;

    private static void DeleteNestedBelow(string directory)
    {
        foreach (var child in FileTree.ChildNames(directory))
        {
            var path = Path.Join(directory, child);
            if (!LinuxSyscalls.TryLStat(path, out var status) || !status.IsDirectory)
            {
                continue;
            }
            if (status.Inode == SubvolumeRootInode)
            {
                Delete(path);
            }
            else
            {
                DeleteNestedBelow(path);
            }
        }
    }
}
