using System.Formats.Tar;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Archive;

/// <summary>What <c>PUT /containers/{id}/archive</c> was asked for besides the tar.</summary>
/// <param name="NoOverwriteDirNonDir">Refuse to replace a directory with a non-directory and the other way round.</param>
/// <param name="Owner">When set, every extracted node is owned by this uid/gid instead of the one in its tar header.</param>
public sealed record ExtractOptions(bool NoOverwriteDirNonDir, (uint Uid, uint Gid)? Owner);

/// <summary>
/// Extracts a tar into a directory as moby's archive.Untar does for <c>docker cp</c>: ownership from the headers (or
/// <see cref="ExtractOptions.Owner"/>), modes, times, symlinks, hard links, devices and PAX xattrs; missing parents are
/// created; no entry, hard link or parent symlink may lead outside the directory (<c>RESOLVE_BENEATH</c>). Every node
/// is created and changed through its parent's descriptor without following a final symlink.
/// </summary>
public sealed class ArchiveExtractor(SafeFileHandle destination, string destinationName, ExtractOptions options)
{
    private const string XattrPaxPrefix = "SCHILY.xattr.";
    private readonly List<(string Name, UnixTime Time)> _directoryTimes = new();

    public void Extract(Stream tar)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not TarEntryType.GlobalExtendedAttributes)
                {
                    Apply(entry);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw DriverException.InvalidArgument($"the archive is not a valid tar: {e.Message}");
        }
        // Deepest first, after every entry: creating a child changes its directory's time.
        foreach (var (name, time) in _directoryTimes.OrderByDescending(d => d.Name.Count(c => c == '/')))
        {
            using var directory = ScopedOpen.Open(destination, name, ScopedOpen.PathOnly | ScopedOpen.Directory | ScopedOpen.NoFollow, Scope.BeneathNoSymlinks);
            if (directory is not null)
            {
                LinuxSyscalls.SetTimes(ScopedOpen.ProcPath(directory) + "/.", time, time);
            }
        }
    }

    private void Apply(TarEntry entry)
    {
        var name = ContainerPaths.EntryName(entry.Name);
        if (name is null)
        {
            return;
        }
        var slash = name.LastIndexOf('/');
        var baseName = name[(slash + 1)..];
        using var parent = OpenParent(slash < 0 ? "" : name[..slash], entry.Name);
        var path = FoundPath.ChildPath(parent, baseName);
        var isDirectory = entry.EntryType == TarEntryType.Directory;

        if (LinuxSyscalls.TryLStat(path, out var existing))
        {
            if (options.NoOverwriteDirNonDir && existing.IsDirectory && !isDirectory)
            {
                throw DriverException.InvalidArgument($"cannot overwrite directory \"{name}\" with non-directory \"{destinationName}\"");
            }
            if (options.NoOverwriteDirNonDir && !existing.IsDirectory && isDirectory)
            {
                throw DriverException.InvalidArgument($"cannot overwrite non-directory \"{name}\" with directory \"{destinationName}\"");
            }
            if (!(existing.IsDirectory && isDirectory))
            {
                RemoveTree(parent, baseName);
            }
        }

        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None)) // O_EXCL: never through a symlink
                {
                    entry.DataStream?.CopyTo(file);
                }
                break;
            case TarEntryType.Directory:
                if (!existing.IsDirectory)
                {
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                break;
            case TarEntryType.SymbolicLink:
                LinuxSyscalls.Symlink(entry.LinkName, path);
                break;
            case TarEntryType.HardLink:
                LinkTo(entry, path);
                return; // the link shares its source's inode and metadata
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                var posix = (PosixTarEntry)entry;
                var (type, device) = entry.EntryType switch
                {
                    TarEntryType.CharacterDevice => (FileStatus.TypeCharDevice, LinuxSyscalls.MakeDevice((uint)posix.DeviceMajor, (uint)posix.DeviceMinor)),
                    TarEntryType.BlockDevice => (FileStatus.TypeBlockDevice, LinuxSyscalls.MakeDevice((uint)posix.DeviceMajor, (uint)posix.DeviceMinor)),
                    _ => (FileStatus.TypeFifo, 0UL),
                };
                LinuxSyscalls.MakeNode(path, type | ((uint)entry.Mode & 0x1FF), device);
                break;
            default:
                throw DriverException.InvalidArgument($"unhandled tar header type {(char)entry.EntryType} for \"{entry.Name}\"");
        }
        ApplyMetadata(entry, parent, baseName, path);
        if (isDirectory)
        {
            _directoryTimes.Add((name, UnixTime.From(entry.ModificationTime)));
        }
    }

    private void ApplyMetadata(TarEntry entry, SafeFileHandle parent, string baseName, string path)
    {
        var (uid, gid) = options.Owner ?? ((uint)entry.Uid, (uint)entry.Gid);
        LinuxSyscalls.LChown(path, uid, gid);
        if (entry.EntryType != TarEntryType.SymbolicLink)
        {
            // chmod follows symlinks, so it goes through a descriptor of the node we made, checked not to be one.
            using var node = ScopedOpen.Open(parent, baseName, ScopedOpen.PathOnly | ScopedOpen.NoFollow, Scope.BeneathNoSymlinks)
                ?? throw new SyscallException("openat2", entry.Name, Errno.ENOENT);
            if (ScopedOpen.Status(node).IsSymlink)
            {
                throw DriverException.InvalidArgument($"\"{entry.Name}\" was replaced by a symlink while it was extracted");
            }
            LinuxSyscalls.ChangeMode(ScopedOpen.ProcPath(node), (uint)entry.Mode); // after chown, which clears setuid/setgid
        }
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (key.StartsWith(XattrPaxPrefix, StringComparison.Ordinal))
                {
                    SetXattr(path, key[XattrPaxPrefix.Length..], value);
                }
            }
        }
        if (entry.EntryType != TarEntryType.Directory)
        {
            var time = UnixTime.From(entry.ModificationTime);
            LinuxSyscalls.SetTimes(path, time, time);
        }
    }

    // As moby: an xattr the filesystem or our privileges cannot hold is skipped, not fatal.
    private static void SetXattr(string path, string name, string value)
    {
        try
        {
            LinuxSyscalls.SetXattr(path, name, Encoding.UTF8.GetBytes(value));
        }
        catch (SyscallException e) when (e.Errno is Errno.EOPNOTSUPP or Errno.EPERM)
        {
        }
    }

    private void LinkTo(TarEntry entry, string path)
    {
        var target = ContainerPaths.EntryName(entry.LinkName)
            ?? throw DriverException.InvalidArgument($"invalid hard link \"{entry.Name}\": it points at the extraction directory");
        var slash = target.LastIndexOf('/');
        using var targetParent = OpenParent(slash < 0 ? "" : target[..slash], entry.Name, create: false);
        LinuxSyscalls.HardLink(FoundPath.ChildPath(targetParent, target[(slash + 1)..]), path);
    }

    // The parent of an entry, resolved beneath the destination; missing directories are created (0755, as moby).
    private SafeFileHandle OpenParent(string relative, string entryName, bool create = true)
    {
        var handle = ScopedOpen.TryOpen(destination, relative, ScopedOpen.PathOnly | ScopedOpen.Directory, Scope.Beneath, out var error);
        if (handle is not null)
        {
            return handle;
        }
        if (error == Errno.ENOENT && create)
        {
            var components = relative.Split('/');
            for (var i = 0; i < components.Length; i++)
            {
                var prefix = string.Join('/', components.Take(i + 1));
                using var probe = ScopedOpen.TryOpen(destination, prefix, ScopedOpen.PathOnly | ScopedOpen.Directory, Scope.Beneath, out error);
                if (probe is not null)
                {
                    continue;
                }
                if (error != Errno.ENOENT)
                {
                    break;
                }
                using var above = OpenParent(string.Join('/', components.Take(i)), entryName, create: false);
                Directory.CreateDirectory(FoundPath.ChildPath(above, components[i]), (UnixFileMode)0x1ED);
            }
            handle = ScopedOpen.TryOpen(destination, relative, ScopedOpen.PathOnly | ScopedOpen.Directory, Scope.Beneath, out error);
            if (handle is not null)
            {
                return handle;
            }
        }
        throw error switch
        {
            Errno.EXDEV or Errno.ELOOP => DriverException.InvalidArgument($"invalid entry \"{entryName}\": it leads outside the extraction directory"),
            Errno.ENOENT => DriverException.InvalidArgument($"invalid entry \"{entryName}\": \"{relative}\" does not exist"),
            Errno.ENOTDIR => DriverException.InvalidArgument($"invalid entry \"{entryName}\": \"{relative}\" is not a directory"),
            _ => new SyscallException("openat2", relative, error),
        };
    }

    private static void RemoveTree(SafeFileHandle parent, string name)
    {
        var path = FoundPath.ChildPath(parent, name);
        if (!LinuxSyscalls.TryLStat(path, out var status))
        {
            return;
        }
        if (!status.IsDirectory)
        {
            File.Delete(path);
            return;
        }
        using (var directory = ScopedOpen.Open(parent, name, ScopedOpen.PathOnly | ScopedOpen.Directory | ScopedOpen.NoFollow, Scope.BeneathNoSymlinks))
        {
            if (directory is not null)
            {
                foreach (var child in Directory.EnumerateFileSystemEntries(ScopedOpen.ProcPath(directory)).Select(Path.GetFileName).OfType<string>().ToList())
                {
                    RemoveTree(directory, child);
                }
            }
        }
        Directory.Delete(path);
    }
}
