using System.Buffers.Binary;
using System.Text;
using Modular.Sdk;
using Modular.Sdk.Syscalls;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Modular.Storage.Btrfs;

/// <summary>
/// The btrfs ioctls the driver needs, called directly rather than through <c>btrfs</c> (btrfs-progs): no process per
/// layer operation, no dependency on the tools being installed, and errors come back as errno values the driver can
/// act on (e.g. ENOTEMPTY when a subvolume still holds nested ones). Layouts and numbers are those of
/// <c>include/uapi/linux/btrfs.h</c>, which is the same on every 64-bit architecture.
/// </summary>
internal static unsafe class BtrfsIoctls
{
    private const int SubvolumeCreate = 0x5000940E;      // _IOW(0x94, 14, struct btrfs_ioctl_vol_args)
    private const int SnapshotDestroy = 0x5000940F;      // _IOW(0x94, 15, struct btrfs_ioctl_vol_args)
    private const int SnapshotCreateV2 = 0x50009417;     // _IOW(0x94, 23, struct btrfs_ioctl_vol_args_v2)
    private const int QuotaControl = unchecked((int)0xC0109428); // _IOWR(0x94, 40, struct btrfs_ioctl_quota_ctl_args)
    private const int QgroupLimit = unchecked((int)0x8030942B);  // _IOR(0x94, 43, struct btrfs_ioctl_qgroup_limit_args)
    private const int QuotaRescanWait = 0x942E;          // _IO(0x94, 46)

    private const int VolumeArgsSize = 4096;
    private const int VolumeArgsNameOffset = 8;          // after __s64 fd
    private const int VolumeArgsNameMax = 4087;          // BTRFS_PATH_NAME_MAX
    private const int VolumeArgsV2NameOffset = 56;       // after fd, transid, flags and the 32-byte size/qgroup union
    private const int VolumeArgsV2NameMax = 4039;        // BTRFS_SUBVOL_NAME_MAX
    private const ulong QuotaControlEnable = 1;          // BTRFS_QUOTA_CTL_ENABLE
    private const ulong LimitMaxReferenced = 1;          // BTRFS_QGROUP_LIMIT_MAX_RFER

    /// <summary>Creates an empty subvolume <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static void CreateSubvolume(string directory, string name)
    {
        var args = VolumeArgs(0, name);
        using var parent = OpenDirectory(directory);
        Call(parent.Fd, SubvolumeCreate, args, "BTRFS_IOC_SUBVOL_CREATE", Path.Join(directory, name));
    }

    /// <summary>Creates <paramref name="name"/> in <paramref name="directory"/> as a writable snapshot of subvolume <paramref name="source"/>.</summary>
    public static void Snapshot(string source, string directory, string name)
    {
        using var sourceHandle = OpenDirectory(source);
        using var parent = OpenDirectory(directory);
        var args = new byte[VolumeArgsSize];
        BinaryPrimitives.WriteInt64LittleEndian(args, sourceHandle.Fd);
        WriteName(args, VolumeArgsV2NameOffset, VolumeArgsV2NameMax, name); // flags stay 0: writable, no qgroup inheritance
        Call(parent.Fd, SnapshotCreateV2, args, "BTRFS_IOC_SNAP_CREATE_V2", Path.Join(directory, name));
    }

    /// <summary>
    /// Deletes subvolume <paramref name="name"/> in <paramref name="directory"/> with everything in it. Throws a
    /// <see cref="SyscallException"/> with ENOTEMPTY when it still holds nested subvolumes.
    /// </summary>
    public static void DestroySubvolume(string directory, string name)
    {
        var args = VolumeArgs(0, name);
        using var parent = OpenDirectory(directory);
        Call(parent.Fd, SnapshotDestroy, args, "BTRFS_IOC_SNAP_DESTROY", Path.Join(directory, name));
    }

    /// <summary>
    /// Turns quota accounting on for the filesystem holding <paramref name="path"/> (a no-op when it is on) and waits
    /// for the initial rescan, so limits set afterwards account for data written before.
    /// </summary>
    public static void EnableQuota(string path)
    {
        using var handle = OpenDirectory(path);
        var args = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(args, QuotaControlEnable);
        Call(handle.Fd, QuotaControl, args, "BTRFS_IOC_QUOTA_CTL", path);
        if (ioctl(handle.Fd, QuotaRescanWait, null) != 0)
        {
            throw new SyscallException("BTRFS_IOC_QUOTA_RESCAN_WAIT", path, errno);
        }
    }

    /// <summary>Limits what subvolume <paramref name="subvolume"/> may reference (its own and shared data) to <paramref name="bytes"/>.</summary>
    public static void LimitReferenced(string subvolume, long bytes)
    {
        using var handle = OpenDirectory(subvolume);
        var args = new byte[48];
        // qgroupid 0: the qgroup of the subvolume the descriptor is in.
        BinaryPrimitives.WriteUInt64LittleEndian(args.AsSpan(8), LimitMaxReferenced);
        BinaryPrimitives.WriteInt64LittleEndian(args.AsSpan(16), bytes);
        Call(handle.Fd, QgroupLimit, args, "BTRFS_IOC_QGROUP_LIMIT", subvolume);
    }

    private static byte[] VolumeArgs(long fd, string name)
    {
        var args = new byte[VolumeArgsSize];
        BinaryPrimitives.WriteInt64LittleEndian(args, fd);
        WriteName(args, VolumeArgsNameOffset, VolumeArgsNameMax, name);
        return args;
    }

    private static void WriteName(byte[] args, int offset, int max, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > max || name.Contains('/') || name.Contains('\0'))
        {
            throw DriverException.InvalidArgument($"\"{name}\" cannot name a btrfs subvolume");
        }
        bytes.CopyTo(args, offset); // the rest of the buffer is zero, which terminates the name
    }

    private static void Call(int fd, int request, byte[] args, string name, string path)
    {
        fixed (byte* a = args)
        {
            if (ioctl(fd, request, a) != 0)
            {
                throw new SyscallException(name, path, errno);
            }
        }
    }

    private static DirectoryHandle OpenDirectory(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        fixed (byte* p = bytes)
        {
            var fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, default(mode_t));
            if (fd < 0)
            {
                throw new SyscallException("open", path, errno);
            }
            return new DirectoryHandle(fd);
        }
    }

    private readonly struct DirectoryHandle(int fd) : IDisposable
    {
        public int Fd { get; } = fd;

        public void Dispose() => close(Fd);
    }
}
