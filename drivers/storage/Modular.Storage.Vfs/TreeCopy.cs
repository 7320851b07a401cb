using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Vfs;

/// <summary>
/// Copies a directory tree exactly: ownership, modes, xattrs, times, symlinks, devices, FIFOs, and hard links
/// (two paths sharing an inode in the source share one in the copy).
/// </summary>
internal sealed class TreeCopy
{
    private readonly Dictionary<(ulong Device, ulong Inode), string> _copiedInodes = new();
    private readonly List<(string Path, FileStatus Status)> _directories = new();

    public static void Copy(string source, string destination)
    {
        var copy = new TreeCopy();
        var rootStatus = LinuxSyscalls.LStat(source);
        Directory.CreateDirectory(destination);
        copy.CopyChildren(source, destination);
        ApplyMetadata(source, destination, rootStatus);
        copy._directories.Add((destination, rootStatus));
        // Directory times last, deepest first: creating entries inside a directory changes its mtime.
        for (var i = copy._directories.Count - 1; i >= 0; i--)
        {
            var (path, status) = copy._directories[i];
            LinuxSyscalls.SetTimes(path, status.AccessTime, status.ModificationTime);
        }
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
                ApplyMetadata(source, destination, status);
                _directories.Add((destination, status));
                return;
            case FileStatus.TypeRegular:
                File.Copy(source, destination);
                break;
            case FileStatus.TypeSymlink:
                LinuxSyscalls.Symlink(LinuxSyscalls.ReadLink(source), destination);
                break;
            default:
                LinuxSyscalls.MakeNode(destination, status.Type | (status.Permissions & 0x1FF), status.SpecialDevice);
                break;
        }
        ApplyMetadata(source, destination, status);
        LinuxSyscalls.SetTimes(destination, status.AccessTime, status.ModificationTime);
    }

    private static void ApplyMetadata(string source, string destination, FileStatus status)
    {
        LinuxSyscalls.LChown(destination, status.Uid, status.Gid);
        if (!status.IsSymlink)
        {
            LinuxSyscalls.ChangeMode(destination, status.Permissions);
        }
        foreach (var (name, value) in FileTree.ReadXattrs(source))
        {
            LinuxSyscalls.SetXattr(destination, name, value);
        }
    }
}
