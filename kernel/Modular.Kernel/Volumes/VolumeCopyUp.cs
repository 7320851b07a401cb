using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Volumes;

/// <summary>
/// Docker's copy-up: a volume mounted where the image has content starts as a copy of that content (ownership,
/// modes, times, xattrs, symlinks, hard links), but only while the volume is empty, so a volume's own data is never
/// overwritten. The volume's root takes the ownership and mode of the image's folder either way.
/// </summary>
public static class VolumeCopyUp
{
    // A volume may sit on a filesystem that refuses some xattr namespaces; its data matters more than those.
    private const TreeCopyOptions Options = TreeCopyOptions.SkipSockets | TreeCopyOptions.TolerateRefusedXattrs;

    /// <summary>Copies <paramref name="source"/> (inside a container's rootfs) into <paramref name="volume"/>; false when nothing was copied.</summary>
    public static bool CopyIfEmpty(string source, string volume)
    {
        if (!LinuxSyscalls.TryLStat(source, out var rootStatus) || !rootStatus.IsDirectory || Directory.EnumerateFileSystemEntries(volume).Any())
        {
            return false;
        }
        TreeCopy.CopyContents(source, volume, Options);
        LinuxSyscalls.LChown(volume, rootStatus.Uid, rootStatus.Gid);
        LinuxSyscalls.ChangeMode(volume, rootStatus.Permissions);
        return true;
    }
}
