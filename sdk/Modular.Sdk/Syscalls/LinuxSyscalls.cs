using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Modular.Sdk.Syscalls;

/// <summary>
/// The filesystem and mount system calls storage drivers need, with managed strings in and
/// <see cref="SyscallException"/> (a <see cref="DriverException"/> with the errno text) out.
/// Calls that act on a path never follow a final symlink unless their name says so.
/// </summary>
public static unsafe class LinuxSyscalls
{
    /// <summary><c>MS_RDONLY</c>: mount read-only.</summary>
    public const ulong MountReadOnly = 1;
    /// <summary><c>MS_NOSUID</c>.</summary>
    public const ulong MountNoSuid = 2;
    /// <summary><c>MS_NODEV</c>.</summary>
    public const ulong MountNoDev = 4;
    /// <summary><c>MS_BIND</c>.</summary>
    public const ulong MountBind = 4096;
    /// <summary><c>MS_REC</c>.</summary>
    public const ulong MountRecursive = 16384;
    /// <summary><c>MS_PRIVATE</c>.</summary>
    public const ulong MountPrivate = 1 << 18;

    private const int DirectoryEntryTypeOffset = 18; // d_ino(8) + d_off(8) + d_reclen(2) in struct dirent64
    private const byte DirectoryEntryTypeUnknown = 0;

    /// <summary>Calls <c>mount(2)</c>.</summary>
    /// <param name="source">The device or, for overlay, any label such as <c>overlay</c>.</param>
    /// <param name="target">The mount point, which must exist.</param>
    /// <param name="filesystemType">E.g. <c>overlay</c>, or null for bind and propagation changes.</param>
    /// <param name="flags">A combination of the <c>Mount*</c> constants.</param>
    /// <param name="data">Filesystem options, at most one page long.</param>
    public static void Mount(string source, string target, string? filesystemType, ulong flags, string? data)
    {
        fixed (byte* src = Utf8(source))
        fixed (byte* tgt = Utf8(target))
        fixed (byte* type = filesystemType is null ? null : Utf8(filesystemType))
        fixed (byte* options = data is null ? null : Utf8(data))
        {
            if (mount(src, tgt, type, (ulong_t)flags, options) != 0)
            {
                throw new SyscallException("mount", target, errno);
            }
        }
    }

    /// <summary>Calls <c>umount2(2)</c>, lazily (<c>MNT_DETACH</c>) when <paramref name="detach"/> is set.</summary>
    public static void Unmount(string target, bool detach = true)
    {
        fixed (byte* tgt = Utf8(target))
        {
            if (umount2(tgt, detach ? MNT_DETACH : 0) != 0)
            {
                throw new SyscallException("umount2", target, errno);
            }
        }
    }

    /// <summary>Creates a device node, FIFO or other special file with <c>mknod(2)</c>.</summary>
    /// <param name="path">Where to create it.</param>
    /// <param name="mode">File type bits (<see cref="FileStatus.TypeCharDevice"/>, ...) combined with permission bits.</param>
    /// <param name="device">The device number, from <see cref="MakeDevice"/>; 0 for a FIFO.</param>
    public static void MakeNode(string path, uint mode, ulong device)
    {
        fixed (byte* p = Utf8(path))
        {
            if (mknod(p, (mode_t)(ushort)mode, (dev_t)device) != 0)
            {
                throw new SyscallException("mknod", path, errno);
            }
        }
    }

    /// <summary>Combines a major and minor number into a device number as glibc's <c>makedev</c> does.</summary>
    public static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) |
        ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);

    /// <summary>The major number of a device number.</summary>
    public static uint Major(ulong device) => (uint)(((device >> 32) & 0xFFFFF000) | ((device >> 8) & 0xFFF));

    /// <summary>The minor number of a device number.</summary>
    public static uint Minor(ulong device) => (uint)(((device >> 12) & 0xFFFFFF00) | (device & 0xFF));

    /// <summary>Sets the owner of a node without following a final symlink (<c>lchown(2)</c>).</summary>
    public static void LChown(string path, uint uid, uint gid)
    {
        fixed (byte* p = Utf8(path))
        {
            if (lchown(p, uid, gid) != 0)
            {
                throw new SyscallException("lchown", path, errno);
            }
        }
    }

    /// <summary>
    /// Sets the permission bits, including setuid, setgid and sticky (<c>chmod(2)</c>). Never call it on a symlink:
    /// Linux has no way to change a link's own mode and this would change its target.
    /// </summary>
    public static void ChangeMode(string path, uint permissions)
    {
        fixed (byte* p = Utf8(path))
        {
            if (chmod(p, (mode_t)(ushort)(permissions & 0xFFF)) != 0)
            {
                throw new SyscallException("chmod", path, errno);
            }
        }
    }

    /// <summary>Sets an extended attribute on the node itself, not a symlink's target (<c>lsetxattr(2)</c>).</summary>
    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = Utf8(path))
        fixed (byte* n = Utf8(name))
        fixed (byte* v = value)
        {
            byte empty = 0;
            if (NativeMethods.lsetxattr(p, n, v == null ? &empty : v, (nuint)value.Length, 0) != 0)
            {
                throw new SyscallException("lsetxattr", $"{path} ({name})", Marshal.GetLastPInvokeError());
            }
        }
    }

    /// <summary>Reads an extended attribute of the node itself (<c>lgetxattr(2)</c>); null when it is not set.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        fixed (byte* p = Utf8(path))
        fixed (byte* n = Utf8(name))
        {
            while (true)
            {
                var size = NativeMethods.lgetxattr(p, n, null, 0);
                if (size < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error is Errno.ENODATA or Errno.EOPNOTSUPP)
                    {
                        return null;
                    }
                    throw new SyscallException("lgetxattr", $"{path} ({name})", error);
                }
                var buffer = new byte[size];
                fixed (byte* b = buffer)
                {
                    var read = NativeMethods.lgetxattr(p, n, b, (nuint)buffer.Length);
                    if (read >= 0)
                    {
                        return buffer.AsSpan(0, (int)read).ToArray();
                    }
                    var error = Marshal.GetLastPInvokeError();
                    if (error != Errno.ERANGE)
                    {
                        throw new SyscallException("lgetxattr", $"{path} ({name})", error);
                    }
                }
            }
        }
    }

    /// <summary>Lists the names of the node's extended attributes (<c>llistxattr(2)</c>).</summary>
    public static IReadOnlyList<string> ListXattrs(string path)
    {
        fixed (byte* p = Utf8(path))
        {
            while (true)
            {
                var size = NativeMethods.llistxattr(p, null, 0);
                if (size < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == Errno.EOPNOTSUPP)
                    {
                        return [];
                    }
                    throw new SyscallException("llistxattr", path, error);
                }
                if (size == 0)
                {
                    return [];
                }
                var buffer = new byte[size];
                fixed (byte* b = buffer)
                {
                    var read = NativeMethods.llistxattr(p, b, (nuint)buffer.Length);
                    if (read >= 0)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, (int)read)
                            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
                    }
                    var error = Marshal.GetLastPInvokeError();
                    if (error != Errno.ERANGE)
                    {
                        throw new SyscallException("llistxattr", path, error);
                    }
                }
            }
        }
    }

    /// <summary>Sets access and modification times of the node itself, not a symlink's target.</summary>
    public static void SetTimes(string path, UnixTime accessTime, UnixTime modificationTime)
    {
        var times = stackalloc timespec[2];
        times[0].tv_sec = accessTime.Seconds;
        times[0].tv_nsec = (long_t)accessTime.Nanoseconds;
        times[1].tv_sec = modificationTime.Seconds;
        times[1].tv_nsec = (long_t)modificationTime.Nanoseconds;
        fixed (byte* p = Utf8(path))
        {
            if (utimensat(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW) != 0)
            {
                throw new SyscallException("utimensat", path, errno);
            }
        }
    }

    /// <summary>Reads the status of a node without following a final symlink (<c>lstat(2)</c>).</summary>
    public static FileStatus LStat(string path) =>
        TryLStat(path, out var status) ? status : throw new SyscallException("lstat", path, Errno.ENOENT);

    /// <summary>Like <see cref="LStat"/>, but returns false when the path or one of its parents does not exist.</summary>
    public static bool TryLStat(string path, out FileStatus status)
    {
        stat buffer;
        fixed (byte* p = Utf8(path))
        {
            if (lstat(p, &buffer) != 0)
            {
                var error = errno;
                if (error is Errno.ENOENT or Errno.ENOTDIR)
                {
                    status = default;
                    return false;
                }
                throw new SyscallException("lstat", path, error);
            }
        }
        status = new FileStatus(
            (ushort)buffer.st_mode,
            buffer.st_uid,
            buffer.st_gid,
            buffer.st_size,
            buffer.st_dev,
            buffer.st_ino,
            buffer.st_nlink,
            buffer.st_rdev,
            new UnixTime(buffer.st_atim.tv_sec, buffer.st_atim.tv_nsec),
            new UnixTime(buffer.st_mtim.tv_sec, buffer.st_mtim.tv_nsec));
        return true;
    }

    /// <summary>Reads a symlink's target as stored, without resolving it.</summary>
    public static string ReadLink(string path)
    {
        var buffer = new byte[4096];
        fixed (byte* p = Utf8(path))
        fixed (byte* b = buffer)
        {
            var length = (long)readlink(p, b, buffer.Length);
            if (length < 0)
            {
                throw new SyscallException("readlink", path, errno);
            }
            return Encoding.UTF8.GetString(buffer, 0, (int)length);
        }
    }

    /// <summary>Creates a hard link <paramref name="newPath"/> to <paramref name="existingPath"/> (<c>link(2)</c>, which never follows symlinks).</summary>
    public static void HardLink(string existingPath, string newPath)
    {
        fixed (byte* existing = Utf8(existingPath))
        fixed (byte* created = Utf8(newPath))
        {
            if (link(existing, created) != 0)
            {
                throw new SyscallException("link", newPath, errno);
            }
        }
    }

    /// <summary>Creates a symlink at <paramref name="linkPath"/> holding <paramref name="target"/> verbatim.</summary>
    public static void Symlink(string target, string linkPath)
    {
        fixed (byte* t = Utf8(target))
        fixed (byte* l = Utf8(linkPath))
        {
            if (symlink(t, l) != 0)
            {
                throw new SyscallException("symlink", linkPath, errno);
            }
        }
    }

    /// <summary>The <c>f_type</c> magic number <c>statfs(2)</c> reports for the filesystem holding <paramref name="path"/>.</summary>
    public static long FilesystemMagic(string path)
    {
        var buffer = stackalloc byte[512]; // struct statfs is 120 bytes on 64-bit; f_type is its first word
        fixed (byte* p = Utf8(path))
        {
            if (NativeMethods.statfs(p, buffer) != 0)
            {
                throw new SyscallException("statfs", path, Marshal.GetLastPInvokeError());
            }
        }
        return IntPtr.Size == 8 ? *(long*)buffer : *(int*)buffer;
    }

    /// <summary>
    /// Whether the filesystem fills in <c>d_type</c> in directory entries, checked on the entries of
    /// <paramref name="directory"/>, which must hold at least one entry besides <c>.</c> and <c>..</c>.
    /// Overlayfs needs it to tell whiteouts from files without a stat per entry.
    /// </summary>
    public static bool SupportsDirectoryEntryTypes(string directory)
    {
        fixed (byte* p = Utf8(directory))
        {
            var dir = NativeMethods.opendir(p);
            if (dir == 0)
            {
                throw new SyscallException("opendir", directory, Marshal.GetLastPInvokeError());
            }
            try
            {
                byte* entry;
                while ((entry = NativeMethods.readdir64(dir)) != null)
                {
                    var name = Marshal.PtrToStringUTF8((nint)(entry + DirectoryEntryTypeOffset + 1));
                    if (name is "." or "..")
                    {
                        continue;
                    }
                    return entry[DirectoryEntryTypeOffset] != DirectoryEntryTypeUnknown;
                }
                throw new DriverException(DriverErrorKind.InvalidArgument, $"{directory} has no entry to probe d_type with");
            }
            finally
            {
                NativeMethods.closedir(dir);
            }
        }
    }

    /// <summary>The path as a NUL-terminated UTF-8 buffer for a system call.</summary>
    internal static byte[] Utf8(string value)
    {
        if (value.Contains('\0'))
        {
            throw DriverException.InvalidArgument($"a NUL character is not allowed in \"{value.Replace("\0", "\\0")}\"");
        }
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
