using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Volumes;

/// <summary>
/// Docker's copy-up: a volume mounted where the image has content starts as a copy of that content (ownership,
/// modes, times, xattrs, symlinks, hard links), but only while the volume is empty, so a volume's own data is never
/// overwritten. The volume's root takes the ownership and mode of the image's folder either way.
/// </summary>
public sealed class VolumeCopyUp
{
    private readonly Dictionary<(ulong Device, ulong Inode), string> _copiedInodes = new();
    private readonly List<(string Path, FileStatus Status)> _directories = new();

    /// <summary>Copies <paramref name="source"/> (inside a container's rootfs) into <paramref name="volume"/>; false when nothing was copied.</summary>
    public static bool CopyIfEmpty(string source, string volume)
    {
        if (!LinuxSyscalls.TryLStat(source, out var rootStatus) || !rootStatus.IsDirectory || Directory.EnumerateFileSystemEntries(volume).Any())
        {
            return false;
        }
        var copy = new VolumeCopyUp();
        copy.CopyChildren(source, volume);
        LinuxSyscalls.LChown(volume, rootStatus.Uid, rootStatus.Gid);
        LinuxSyscalls.ChangeMode(volume, rootStatus.Permissions);
        for (var i = copy._directories.Count - 1; i >= 0; i--)
        {
            var (path, status) = copy._directories[i];
            LinuxSyscalls.SetTimes(path, status.AccessTime, status.ModificationTime);
        }
        return true;
    }

    private void CopyChildren(string source, string destination)
    {
        foreach (var name in FileTree.ChildNames(source))
        {
            CopyNode(Path.Join(source, name), Path.Join(destination, name));
        }
    }

    private void CopyNode(string source, string destination)
    {
        var status = LinuxSyscalls.LStat(source);
        if (status.IsRegularFile && status.LinkCount > 1)
        {
            if (_copiedInodes.TryGetValue((status.Device, status.Inode), out var first))
            {
                LinuxSyscalls.HardLink(first, destination);
                return;
            }
            _copiedInodes[(status.Device, status.Inode)] = destination;
        }
        switch (status.Type)
        {
            case FileStatus.TypeDirectory:
                Directory.CreateDirectory(destination);
                CopyChildren(source, destination);
                ApplyOwnership(source, destination, status);
                _directories.Add((destination, status));
                return;
            case FileStatus.TypeRegular:
                File.Copy(source, destination);
                break;
            case FileStatus.TypeSymlink:
                LinuxSyscalls.Symlink(LinuxSyscalls.ReadLink(source), destination);
                break;
            case FileStatus.TypeSocket:
                // A socket file means nothing without its listener; Docker's tar-based copy skips them too.
                return;
            default:
                LinuxSyscalls.MakeNode(destination, status.Type | (status.Permissions & 0x1FF), status.SpecialDevice);
                break;
        }
        ApplyOwnership(source, destination, status);
        LinuxSyscalls.SetTimes(destination, status.AccessTime, status.ModificationTime);
    }

    private static void ApplyOwnership(string source, string destination, FileStatus status)
    {
        LinuxSyscalls.LChown(destination, status.Uid, status.Gid);
        if (!status.IsSymlink)
        {
            LinuxSyscalls.ChangeMode(destination, status.Permissions);
        }
        foreach (var (name, value) in FileTree.ReadXattrs(source))
        {
            try
            {
                LinuxSyscalls.SetXattr(destination, name, value);
            }
            catch (SyscallException)
            {
                // A volume on a filesystem without that xattr namespace (tmpfs and trusted.*, for one) keeps the data.
            }
        }
    }
}
