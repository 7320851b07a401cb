namespace Modular.Sdk.Syscalls;

/// <summary>
/// A failed system call, carrying the raw <see cref="Errno"/> so callers can react to one specific error
/// (e.g. <c>ENODATA</c> from an xattr read) while everything else still travels as a <see cref="DriverException"/>.
/// </summary>
public sealed class SyscallException : DriverException
{
    /// <summary>Creates the exception for <paramref name="call"/> on <paramref name="path"/> failing with <paramref name="errno"/>.</summary>
    /// <param name="call">The name of the system call, e.g. <c>mount</c>.</param>
    /// <param name="path">The path the call worked on, shown in the message.</param>
    /// <param name="errno">The <c>errno</c> value read right after the call.</param>
    /// <param name="detail">Extra text for the message, e.g. the kernel's own explanation of a mount failure.</param>
    public SyscallException(string call, string path, int errno, string? detail = null)
        : base(KindOf(errno), FormatMessage(call, path, errno, detail))
    {
        Call = call;
        Errno = errno;
    }

    /// <summary>The name of the system call that failed.</summary>
    public string Call { get; }

    /// <summary>The <c>errno</c> value of the failure.</summary>
    public int Errno { get; }

    private static string FormatMessage(string call, string path, int errno, string? detail)
    {
        var text = $"{call} {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return string.IsNullOrWhiteSpace(detail) ? text : $"{text}: {detail.Trim()}";
    }

    private static DriverErrorKind KindOf(int errno) => errno switch
    {
        Syscalls.Errno.ENOENT => DriverErrorKind.NotFound,
        Syscalls.Errno.EEXIST or Syscalls.Errno.EBUSY or Syscalls.Errno.ENOTEMPTY => DriverErrorKind.Conflict,
        Syscalls.Errno.EINVAL or Syscalls.Errno.ENAMETOOLONG or Syscalls.Errno.ELOOP => DriverErrorKind.InvalidArgument,
        Syscalls.Errno.ENOSYS or Syscalls.Errno.ENODEV or Syscalls.Errno.EOPNOTSUPP => DriverErrorKind.NotSupported,
        _ => DriverErrorKind.Internal,
    };
}
