using System.Runtime.InteropServices;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>
/// Limits the size of container layers with filesystem project quotas, as dockerd does on xfs mounted with
/// <c>prjquota</c>: each limited layer directory gets a project id of its own with the PROJINHERIT flag (so its diff
/// and work directories, created after, inherit it), and <c>quotactl(Q_XSETQLIM)</c> sets that project's block hard
/// limit on the backing device. The device is reached through a block node, <c>backingFsBlockDev</c>, in the driver's
/// root. Project ids live in the inodes, so the next free one is found again by scanning the layers at start.
/// </summary>
internal sealed unsafe class ProjectQuotas
{
    private const string DeviceNodeName = "backingFsBlockDev";
    private const uint FsIocGetXattr = 0x801C581F; // _IOR('X', 31, struct fsxattr)
    private const uint FsIocSetXattr = 0x401C5820; // _IOW('X', 32, struct fsxattr)
    private const uint ProjectInheritFlag = 0x200; // FS_XFLAG_PROJINHERIT
    private const int ProjectQuotaType = 2; // PRJQUOTA
    private const int SetLimitsCommand = ('X' << 8) + 4; // Q_XSETQLIM
    private const sbyte DiskQuotaVersion = 1; // FS_DQUOT_VERSION
    private const sbyte ProjectQuotaFlag = 2; // FS_PROJ_QUOTA
    private const ushort BlockLimitFields = (1 << 2) | (1 << 3); // FS_DQ_BSOFT | FS_DQ_BHARD
    private const long BasicBlockSize = 512;

    private readonly string _deviceNode;
    private readonly uint _baseProjectId;
    private readonly object _allocation = new();
    private uint _nextProjectId;

    private ProjectQuotas(string deviceNode, uint baseProjectId, uint nextProjectId)
    {
        _deviceNode = deviceNode;
        _baseProjectId = baseProjectId;
        _nextProjectId = nextProjectId;
    }

    /// <summary>
    /// Quota control over the filesystem holding <paramref name="root"/>, or null with the reason when that filesystem
    /// does not enforce project quotas (not xfs, not mounted with prjquota, or a kernel without quota support).
    /// </summary>
    public static ProjectQuotas? TryOpen(string root, IEnumerable<string> layerDirectories, out string reason)
    {
        var deviceNode = Path.Join(root, DeviceNodeName);
        try
        {
            FileTree.RemoveAll(deviceNode); // the device may differ from the last run's
            LinuxSyscalls.MakeNode(deviceNode, FileStatus.TypeBlockDevice | 0x180, LinuxSyscalls.LStat(root).Device);
            var baseId = ReadAttributes(root).ProjectId;
            // dockerd's probe: setting a (zero) limit on the first id above the root's proves the kernel enforces them.
            SetBlockLimit(deviceNode, baseId + 1, 0);
            var highest = layerDirectories.Select(d => ReadAttributes(d).ProjectId).Append(baseId + 1).Max();
            reason = "";
            return new ProjectQuotas(deviceNode, baseId, highest + 1);
        }
        catch (DriverException e)
        {
            FileTree.RemoveAll(deviceNode);
            reason = e.Message;
            return null;
        }
    }

    /// <summary>Gives <paramref name="directory"/> (still empty) a project id of its own, limited to <paramref name="bytes"/>.</summary>
    public void Limit(string directory, long bytes)
    {
        uint projectId;
        lock (_allocation)
        {
            projectId = _nextProjectId++;
        }
        var attributes = ReadAttributes(directory);
        attributes.ProjectId = projectId;
        attributes.Flags |= ProjectInheritFlag;
        WriteAttributes(directory, attributes);
        SetBlockLimit(_deviceNode, projectId, (ulong)(bytes / BasicBlockSize));
    }

    /// <summary>Lifts the limit of the project <paramref name="directory"/> belongs to, if it has one of its own.</summary>
    public void Release(string directory)
    {
        var projectId = ReadAttributes(directory).ProjectId;
        if (projectId > _baseProjectId + 1)
        {
            SetBlockLimit(_deviceNode, projectId, 0);
        }
    }

    private static void SetBlockLimit(string deviceNode, uint projectId, ulong basicBlocks)
    {
        var quota = new FsDiskQuota
        {
            Version = DiskQuotaVersion,
            Flags = ProjectQuotaFlag,
            FieldMask = BlockLimitFields,
            Id = projectId,
            BlockHardLimit = basicBlocks,
            BlockSoftLimit = basicBlocks,
        };
        fixed (byte* device = Utf8(deviceNode))
        {
            if (QuotaNativeMethods.quotactl((SetLimitsCommand << 8) | ProjectQuotaType, device, (int)projectId, &quota) != 0)
            {
                throw new SyscallException("quotactl(Q_XSETQLIM)", $"{deviceNode} project {projectId}", Marshal.GetLastPInvokeError());
            }
        }
    }

    private static FsXattr ReadAttributes(string directory)
    {
        var attributes = new FsXattr();
        var fd = OpenDirectory(directory);
        try
        {
            if (QuotaNativeMethods.ioctl(fd, FsIocGetXattr, &attributes) != 0)
            {
                throw new SyscallException("ioctl(FS_IOC_FSGETXATTR)", directory, Marshal.GetLastPInvokeError());
            }
            return attributes;
        }
        finally
        {
            QuotaNativeMethods.close(fd);
        }
    }

    private static void WriteAttributes(string directory, FsXattr attributes)
    {
        var fd = OpenDirectory(directory);
        try
        {
            if (QuotaNativeMethods.ioctl(fd, FsIocSetXattr, &attributes) != 0)
            {
                throw new SyscallException("ioctl(FS_IOC_FSSETXATTR)", directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            QuotaNativeMethods.close(fd);
        }
    }

    private static int OpenDirectory(string directory)
    {
        fixed (byte* path = Utf8(directory))
        {
            var fd = QuotaNativeMethods.open(path, QuotaNativeMethods.OpenReadOnly | QuotaNativeMethods.OpenDirectory | QuotaNativeMethods.OpenCloseOnExec);
            if (fd < 0)
            {
                throw new SyscallException("open", directory, Marshal.GetLastPInvokeError());
            }
            return fd;
        }
    }

    private static byte[] Utf8(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");
}
