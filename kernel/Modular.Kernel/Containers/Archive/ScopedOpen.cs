using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Modular.Sdk.Syscalls;
using Tmds.Linux;

namespace Modular.Kernel.Containers.Archive;

/// <summary>How <see cref="ScopedOpen.Open"/> keeps a lookup inside its starting directory.</summary>
public enum Scope
{
    /// <summary>As a process chrooted there sees it: <c>..</c> stops at the root, absolute symlinks start again at it.</summary>
    InRoot,

    /// <summary>Anything that would leave the starting directory (absolute symlinks included) fails with EXDEV.</summary>
    Beneath,

    /// <summary>Like <see cref="Beneath"/>, and no symlink at all may be met on the way.</summary>
    BeneathNoSymlinks,
}

/// <summary>
/// <c>openat2(2)</c>: lookups the kernel itself keeps inside a directory, atomically, so a running container that
/// swaps a directory for a symlink while we walk its files cannot send us onto the host's files.
/// </summary>
public static unsafe class ScopedOpen
{
    private const int EAGAIN = 11;
    private const long SysOpenat2 = 437; // the same number on x86_64 and arm64 (the generic syscall table)
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveBeneath = 0x08;
    private const ulong ResolveInRoot = 0x10;

    public static int PathOnly => LibC.O_PATH;
    public static int Directory => LibC.O_DIRECTORY;
    public static int NoFollow => LibC.O_NOFOLLOW;
    public static int ReadOnly => LibC.O_RDONLY | LibC.O_NONBLOCK; // O_NONBLOCK: a FIFO swapped in must not hang us

    /// <summary>Opens <paramref name="path"/> relative to <paramref name="start"/>; null when it (or a parent) does not exist.</summary>
    /// <exception cref="SyscallException">Any other failure: EXDEV for an escape, ELOOP, ENOTDIR on a final component…</exception>
    public static SafeFileHandle? Open(SafeHandle start, string path, int flags, Scope scope)
    {
        var handle = TryOpen(start, path, flags, scope, out var error);
        if (handle is not null)
        {
            return handle;
        }
        return error == Errno.ENOENT ? null : throw new SyscallException("openat2", path, error);
    }

    /// <summary>Like <see cref="Open"/>, but hands back every error number instead of throwing.</summary>
    public static SafeFileHandle? TryOpen(SafeHandle start, string path, int flags, Scope scope, out int error)
    {
        var how = stackalloc ulong[3];
        how[0] = (ulong)(uint)(flags | LibC.O_CLOEXEC);
        how[1] = 0;
        how[2] = ResolveNoMagicLinks | scope switch
        {
            Scope.InRoot => ResolveInRoot,
            Scope.Beneath => ResolveBeneath,
            _ => ResolveBeneath | ResolveNoSymlinks,
        };
        var name = Encoding.UTF8.GetBytes((path.Length == 0 ? "." : path) + "\0");
        var added = false;
        start.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = name)
            {
                long descriptor;
                do
                {
                    descriptor = syscall(SysOpenat2, start.DangerousGetHandle(), p, how, (nuint)24);
                    error = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (descriptor < 0 && error is EAGAIN or Errno.EINTR); // EAGAIN: a rename raced the lookup
                return descriptor < 0 ? null : new SafeFileHandle((nint)descriptor, ownsHandle: true);
            }
        }
        finally
        {
            if (added)
            {
                start.DangerousRelease();
            }
        }
    }

    /// <summary>Opens a trusted host directory (a container's mounted rootfs) to start scoped lookups from.</summary>
    public static SafeFileHandle OpenRoot(string directory)
    {
        var name = Encoding.UTF8.GetBytes(directory + "\0");
        fixed (byte* p = name)
        {
            var descriptor = LibC.open(p, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            return descriptor < 0
                ? throw new SyscallException("open", directory, LibC.errno)
                : new SafeFileHandle(descriptor, ownsHandle: true);
        }
    }

    /// <summary><c>fstat(2)</c>, which works on O_PATH descriptors too.</summary>
    public static FileStatus Status(SafeHandle handle)
    {
        stat buffer;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (LibC.fstat((int)handle.DangerousGetHandle(), &buffer) != 0)
            {
                throw new SyscallException("fstat", "descriptor", LibC.errno);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        return new FileStatus(
            (ushort)buffer.st_mode, buffer.st_uid, buffer.st_gid, buffer.st_size, buffer.st_dev, buffer.st_ino, buffer.st_nlink,
            buffer.st_rdev, new UnixTime(buffer.st_atim.tv_sec, buffer.st_atim.tv_nsec), new UnixTime(buffer.st_mtim.tv_sec, buffer.st_mtim.tv_nsec));
    }

    /// <summary>
    /// The <c>/proc/self/fd</c> path of a descriptor. Followed by one plain name it addresses that entry of the very
    /// directory the descriptor holds, whatever happened to the path that led there.
    /// </summary>
    public static string ProcPath(SafeHandle handle) => "/proc/self/fd/" + handle.DangerousGetHandle();

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, nint directory, byte* path, ulong* how, nuint size);
}
