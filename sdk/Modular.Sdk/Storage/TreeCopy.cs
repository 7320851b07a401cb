using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>
/// Copies a directory tree keeping what a layer or a volume needs kept: ownership, modes, xattrs, times, symlinks,
/// devices, FIFOs, and hard links (two paths sharing an inode in the source share one in the copy). Symlinks are
/// copied as links, never followed.
/// </summary>
public static class TreeCopy
{
    /// <summary>
    /// Creates <paramref name="destination"/> as a copy of the directory <paramref name="source"/>, the root's own
    /// ownership, mode, xattrs and times included.
    /// </summary>
    public static void Copy(string source, string destination, TreeCopyOptions options)
    {
        var rootStatus = LinuxSyscalls.LStat(source);
        Directory.CreateDirectory(destination);
        var walk = new Walk(options);
        walk.CopyChildren(source, destination);
        walk.ApplyMetadata(source, destination, rootStatus);
        walk.Directories.Add((destination, rootStatus));
        walk.ApplyDirectoryTimes();
    }

    /// <summary>
    /// Copies the entries of the directory <paramref name="source"/> into the existing directory
    /// <paramref name="destination"/>, whose own ownership, mode, xattrs and times are left as they are.
    /// </summary>
    public static void CopyContents(string source, string destination, TreeCopyOptions options)
    {
        var walk = new Walk(options);
        walk.CopyChildren(source, destination);
        walk.ApplyDirectoryTimes();
    }

    private sealed class Walk(TreeCopyOptions options)
    {
        private readonly Dictionary<(ulong Device, ulong Inode), string> _copiedInodes = new();

        public List<(string Path, FileStatus Status)> Directories { get; } = new();

        public void CopyChildren(string source, string destination)
        {
            foreach (var name in FileTree.ChildNames(source))
            {
                CopyNode(Path.Join(source, name), Path.Join(destination, name));
            }
        }

        // Directory times last, deepest first: creating entries inside a directory changes its mtime.
        public void ApplyDirectoryTimes()
        {
            for (var i = Directories.Count - 1; i >= 0; i--)
            {
                var (path, status) = Directories[i];
                LinuxSyscalls.SetTimes(path, status.AccessTime, status.ModificationTime);
            }
        }

        public void ApplyMetadata(string source, string destination, FileStatus status)
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
                catch (SyscallException) when (options.HasFlag(TreeCopyOptions.TolerateRefusedXattrs))
                {
                }
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
                    Directories.Add((destination, status));
                    return;
                case FileStatus.TypeRegular:
                    File.Copy(source, destination);
                    break;
                case FileStatus.TypeSymlink:
                    LinuxSyscalls.Symlink(LinuxSyscalls.ReadLink(source), destination);
                    break;
                case FileStatus.TypeSocket when options.HasFlag(TreeCopyOptions.SkipSockets):
                    return;
                default:
                    LinuxSyscalls.MakeNode(destination, status.Type | (status.Permissions & 0x1FF), status.SpecialDevice);
                    break;
            }
            ApplyMetadata(source, destination, status);
            LinuxSyscalls.SetTimes(destination, status.AccessTime, status.ModificationTime);
        }
    }
}
