namespace Modular.Sdk.Syscalls;

/// <summary>
/// The Linux errno values drivers test for. They are the same on every architecture .NET runs Linux on
/// (x64, arm64, arm), and constants are usable in <c>switch</c> patterns where Tmds.LibC's properties are not.
/// </summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>File exists.</summary>
    public const int EEXIST = 17;
    /// <summary>Cross-device link.</summary>
    public const int EXDEV = 18;
    /// <summary>No such device (e.g. an unknown filesystem type).</summary>
    public const int ENODEV = 19;
    /// <summary>Not a directory.</summary>
    public const int ENOTDIR = 20;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Result too large for the buffer.</summary>
    public const int ERANGE = 34;
    /// <summary>File name too long.</summary>
    public const int ENAMETOOLONG = 36;
    /// <summary>Function not implemented.</summary>
    public const int ENOSYS = 38;
    /// <summary>Directory not empty.</summary>
    public const int ENOTEMPTY = 39;
    /// <summary>Too many levels of symbolic links.</summary>
    public const int ELOOP = 40;
    /// <summary>No such attribute (xattr reads).</summary>
    public const int ENODATA = 61;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
}
