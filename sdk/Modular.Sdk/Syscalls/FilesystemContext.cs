using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Modular.Sdk.Syscalls;

/// <summary>
/// A mount built with the new mount API (<c>fsopen</c>, <c>fsconfig</c>, <c>fsmount</c>, <c>move_mount</c>, Linux 5.2+).
/// Each option is passed on its own, so a mount is not bounded by the one-page limit of <c>mount(2)</c>'s data string;
/// overlayfs takes any number of <c>lowerdir+</c> options this way (Linux 6.8+). When the kernel refuses an option,
/// the exception carries the kernel's own explanation read from the context.
/// </summary>
public sealed unsafe class FilesystemContext : IDisposable
{
    // These syscall numbers come from the unified table (424 and up) and are the same on every architecture.
    private const int SysMoveMount = 429;
    private const int SysFsOpen = 430;
    private const int SysFsConfig = 431;
    private const int SysFsMount = 432;

    private const int FsOpenCloseOnExec = 1;
    private const int FsConfigSetFlag = 0;
    private const int FsConfigSetString = 1;
    private const int FsConfigCommandCreate = 6;
    private const int FsMountCloseOnExec = 1;
    private const int MoveMountFromEmptyPath = 4;

    private readonly string _filesystemType;
    private int _fd;

    private FilesystemContext(string filesystemType, int fd)
    {
        _filesystemType = filesystemType;
        _fd = fd;
    }

    /// <summary>Opens a configuration context for a new mount of <paramref name="filesystemType"/> (<c>fsopen(2)</c>).</summary>
    public static FilesystemContext Open(string filesystemType)
    {
        fixed (byte* type = LinuxSyscalls.Utf8(filesystemType))
        {
            var fd = (int)syscall(SysFsOpen, type, FsOpenCloseOnExec);
            if (fd < 0)
            {
                throw new SyscallException("fsopen", filesystemType, errno);
            }
            return new FilesystemContext(filesystemType, fd);
        }
    }

    /// <summary>Sets a string option, e.g. <c>("lowerdir+", "/path")</c>.</summary>
    public void SetString(string key, string value)
    {
        fixed (byte* k = LinuxSyscalls.Utf8(key))
        fixed (byte* v = LinuxSyscalls.Utf8(value))
        {
            if ((int)syscall(SysFsConfig, _fd, FsConfigSetString, k, v, 0) < 0)
            {
                throw Failure("fsconfig", $"{key}={value}");
            }
        }
    }

    /// <summary>Sets a flag option, e.g. <c>ro</c>.</summary>
    public void SetFlag(string key)
    {
        fixed (byte* k = LinuxSyscalls.Utf8(key))
        {
            if ((int)syscall(SysFsConfig, _fd, FsConfigSetFlag, k, null, 0) < 0)
            {
                throw Failure("fsconfig", key);
            }
        }
    }

    /// <summary>Creates the superblock from the options set so far and attaches the new mount at <paramref name="target"/>.</summary>
    public void MountAt(string target)
    {
        if ((int)syscall(SysFsConfig, _fd, FsConfigCommandCreate, null, null, 0) < 0)
        {
            throw Failure("fsconfig create", target);
        }
        var mountFd = (int)syscall(SysFsMount, _fd, FsMountCloseOnExec, 0);
        if (mountFd < 0)
        {
            throw Failure("fsmount", target);
        }
        try
        {
            byte empty = 0;
            fixed (byte* to = LinuxSyscalls.Utf8(target))
            {
                if ((int)syscall(SysMoveMount, mountFd, &empty, AT_FDCWD, to, MoveMountFromEmptyPath) < 0)
                {
                    throw new SyscallException("move_mount", target, errno);
                }
            }
        }
        finally
        {
            close(mountFd);
        }
    }

    /// <summary>Closes the context.</summary>
    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
            _fd = -1;
        }
    }

    private SyscallException Failure(string call, string what)
    {
        var error = errno;
        return new SyscallException(call, $"{_filesystemType} {what}", error, ReadKernelMessages());
    }

    // The kernel queues human-readable reasons ("e overlay: ...") on the context fd; reading drains them.
    private string ReadKernelMessages()
    {
        var text = new StringBuilder();
        var buffer = stackalloc byte[1024];
        for (var i = 0; i < 16; i++)
        {
            var n = (long)read(_fd, buffer, 1024);
            if (n <= 0)
            {
                break;
            }
            if (text.Length > 0)
            {
                text.Append("; ");
            }
            text.Append(Encoding.UTF8.GetString(buffer, (int)n));
        }
        return text.ToString();
    }
}
