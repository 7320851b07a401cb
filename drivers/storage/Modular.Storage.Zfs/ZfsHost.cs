using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Zfs;

/// <summary>What this host offers the zfs driver: the kernel module, the commands, and the dataset under the root.</summary>
internal static class ZfsHost
{
    private const long ZfsMagic = 0x2FC12FC1;
    private const string ControlDevice = "/dev/zfs";

    /// <summary>Throws <see cref="DriverErrorKind.NotSupported"/> with the precise reason when zfs cannot work here.</summary>
    public static (string Zfs, string? Zpool) RequireTools()
    {
        if (!LinuxSyscalls.TryLStat(ControlDevice, out _))
        {
            throw DriverException.NotSupported($"the zfs kernel module is not loaded ({ControlDevice} is missing)");
        }
        var zfs = ZfsCommand.FindOnPath("zfs")
            ?? throw DriverException.NotSupported("the zfs command is not installed (zfsutils-linux), or not on PATH");
        return (zfs, ZfsCommand.FindOnPath("zpool"));
    }

    /// <summary>The dataset mounted where <paramref name="root"/> lives, as dockerd finds it: the zfs mount of the same device.</summary>
    public static string DatasetHolding(string root)
    {
        if (LinuxSyscalls.FilesystemMagic(root) != ZfsMagic)
        {
            throw DriverException.NotSupported($"{root} is not on a zfs filesystem; put the data-root on a zfs dataset or name one with zfs.fsname");
        }
        var device = LinuxSyscalls.LStat(root).Device;
        var wanted = $"{LinuxSyscalls.Major(device)}:{LinuxSyscalls.Minor(device)}";
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // mount id, parent id, major:minor, root, mount point, options, optional fields..., "-", fs type, source, super options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 2 && fields[2] == wanted && separator > 0 && separator + 2 < fields.Length && fields[separator + 1] == "zfs")
            {
                return fields[separator + 2].Replace("\\040", " ", StringComparison.Ordinal);
            }
        }
        throw DriverException.NotSupported($"cannot find the zfs dataset mounted on {root} (device {wanted}) in /proc/self/mountinfo");
    }
}
