using System.Runtime.InteropServices;

namespace Modular.Storage.Overlay2;

/// <summary>The libc calls project quotas need: an fd for the <c>FS_IOC_FS[GS]ETXATTR</c> ioctls, and <c>quotactl(2)</c>.</summary>
internal static unsafe class QuotaNativeMethods
{
    private const string LibC = "libc.so.6";

    public const int OpenReadOnly = 0;
    public const int OpenDirectory = 0x10000;
    public const int OpenCloseOnExec = 0x80000;

    [DllImport(LibC, SetLastError = true)]
    public static extern int open(byte* path, int flags);

    [DllImport(LibC, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(LibC, SetLastError = true)]
    public static extern int ioctl(int fd, nuint request, void* argument);

    [DllImport(LibC, SetLastError = true)]
    public static extern int quotactl(int command, byte* special, int id, void* address);
}

/// <summary><c>struct fsxattr</c> from linux/fs.h: what <c>FS_IOC_FSGETXATTR</c> reads and <c>FS_IOC_FSSETXATTR</c> writes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FsXattr
{
    public uint Flags;
    public uint ExtentSize;
    public uint ExtentCount;
    public uint ProjectId;
    public uint CopyOnWriteExtentSize;
    public ulong Padding;
}

/// <summary><c>struct fs_disk_quota</c> from linux/dqblk_xfs.h (112 bytes): what <c>Q_XSETQLIM</c> takes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct FsDiskQuota
{
    [FieldOffset(0)] public sbyte Version;
    [FieldOffset(1)] public sbyte Flags;
    [FieldOffset(2)] public ushort FieldMask;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public ulong BlockHardLimit;
    [FieldOffset(16)] public ulong BlockSoftLimit;
}
