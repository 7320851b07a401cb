using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Archive;

/// <summary>
/// Writes a found container path as <c>GET /containers/{id}/archive</c> does: a file as one entry, a directory as a
/// tree under one top name (its base name, or "." for <c>dir/.</c>), keeping modes, ownership and modification times;
/// a later path of an already written inode becomes a hard link entry. Symlinks are written as links, never followed.
/// Every node is reached through the descriptor of its directory and opened without following symlinks, so entries
/// swapped by a running container can only vanish from the archive, never pull host files into it.
/// </summary>
public sealed class ArchiveWriter : IDisposable
{
    private readonly TarWriter _tar;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _written = new();

    public ArchiveWriter(Stream output)
    {
        _tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>Writes <paramref name="found"/> with its top entry named <paramref name="topName"/>.</summary>
    public void Write(FoundPath found, string topName) => Add(found.Parent, found.Name, topName == "/" ? "" : topName);

    public void Dispose() => _tar.Dispose();

    private void Add(SafeFileHandle directory, string name, string entryName)
    {
        var path = FoundPath.ChildPath(directory, name);
        if (!LinuxSyscalls.TryLStat(path, out var status))
        {
            return; // removed while we were walking
        }
        switch (status.Type)
        {
            case FileStatus.TypeDirectory:
                AddDirectory(directory, name, entryName, status);
                break;
            case FileStatus.TypeRegular:
                AddRegularFile(directory, name, entryName, status);
                break;
            case FileStatus.TypeSymlink:
                _tar.WriteEntry(NewEntry(TarEntryType.SymbolicLink, entryName, status, LinuxSyscalls.ReadLink(path)));
                break;
            case FileStatus.TypeCharDevice or FileStatus.TypeBlockDevice or FileStatus.TypeFifo:
                var special = NewEntry(
                    status.Type switch
                    {
                        FileStatus.TypeCharDevice => TarEntryType.CharacterDevice,
                        FileStatus.TypeBlockDevice => TarEntryType.BlockDevice,
                        _ => TarEntryType.Fifo,
                    },
                    entryName, status, null);
                if (status.IsDevice)
                {
                    special.DeviceMajor = (int)LinuxSyscalls.Major(status.SpecialDevice);
                    special.DeviceMinor = (int)LinuxSyscalls.Minor(status.SpecialDevice);
                }
                _tar.WriteEntry(special);
                break;
            default:
                break; // sockets: tar cannot hold them, moby leaves them out too
        }
    }

    private void AddDirectory(SafeFileHandle parent, string name, string entryName, FileStatus status)
    {
        using var directory = TryOpen(parent, name, ScopedOpen.PathOnly | ScopedOpen.Directory | ScopedOpen.NoFollow);
        if (directory is null)
        {
            return;
        }
        _tar.WriteEntry(NewEntry(TarEntryType.Directory, entryName + "/", status, null));
        foreach (var child in FileTree.ChildNames(ScopedOpen.ProcPath(directory)))
        {
            Add(directory, child, entryName + "/" + child);
        }
    }

    private void AddRegularFile(SafeFileHandle parent, string name, string entryName, FileStatus status)
    {
        if (status.LinkCount > 1)
        {
            if (_written.TryGetValue((status.Device, status.Inode), out var first))
            {
                _tar.WriteEntry(NewEntry(TarEntryType.HardLink, entryName, status, first));
                return;
            }
            _written[(status.Device, status.Inode)] = entryName;
        }
        using var handle = TryOpen(parent, name, ScopedOpen.ReadOnly | ScopedOpen.NoFollow);
        if (handle is null || !ScopedOpen.Status(handle).IsRegularFile)
        {
            return;
        }
        using var content = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var entry = NewEntry(TarEntryType.RegularFile, entryName, status, null);
        entry.DataStream = content;
        _tar.WriteEntry(entry);
    }

    // A node replaced by a symlink (ELOOP) or removed since we listed it is left out, not followed.
    private static SafeFileHandle? TryOpen(SafeFileHandle parent, string name, int flags)
    {
        var handle = ScopedOpen.TryOpen(parent, name, flags, Scope.BeneathNoSymlinks, out var error);
        return handle is not null || error is Errno.ENOENT or Errno.ELOOP or Errno.ENOTDIR or Errno.EXDEV
            ? handle
            : throw new SyscallException("openat2", name, error);
    }

    private static PaxTarEntry NewEntry(TarEntryType type, string name, FileStatus status, string? linkName)
    {
        var entry = new PaxTarEntry(type, name)
        {
            Mode = (UnixFileMode)status.Permissions,
            Uid = (int)status.Uid,
            Gid = (int)status.Gid,
            ModificationTime = status.ModificationTime.ToDateTimeOffset(),
        };
        if (linkName is not null)
        {
            entry.LinkName = linkName;
        }
        return entry;
    }
}
