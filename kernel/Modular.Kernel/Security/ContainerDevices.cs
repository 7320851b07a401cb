using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Security;

/// <summary>A device node to create in the container, and the cgroup rule that lets the container use it.</summary>
public sealed record ContainerDevice(string Path, char Type, long Major, long Minor, uint FileMode, uint Uid, uint Gid, string Access);

/// <summary>
/// --device and --privileged: host device nodes are looked up (symlinks followed, a folder taken whole, as dockerd
/// does) and become linux.devices entries plus allow rules in the device cgroup.
/// </summary>
public static class ContainerDevices
{
    private const uint CharacterDevice = 0x2000;
    private const uint BlockDevice = 0x6000;

    // Folders of /dev that are mounts of their own in a container, or not devices at all.
    private static readonly string[] SkippedHostFolders = ["/dev/pts", "/dev/shm", "/dev/fd", "/dev/mqueue", "/dev/.lxc", "/dev/.lxd-mounts", "/dev/.udev"];

    public static void Validate(IReadOnlyList<DeviceMapping>? mappings)
    {
        foreach (var mapping in mappings ?? [])
        {
            Resolve(mapping);
        }
    }

    public static List<ContainerDevice> Resolve(DeviceMapping mapping)
    {
        var access = mapping.CgroupPermissions.Length == 0 ? "rwm" : mapping.CgroupPermissions;
        if (access.Any(c => c is not ('r' or 'w' or 'm')))
        {
            throw DriverException.InvalidArgument($"invalid device mode: {mapping.CgroupPermissions}");
        }
        var hostPath = mapping.PathOnHost;
        var target = mapping.PathInContainer.Length == 0 ? hostPath : mapping.PathInContainer;
        var resolved = Directory.Exists(hostPath) || File.Exists(hostPath) ? Path.GetFullPath(ResolveLinks(hostPath)) : hostPath;
        if (!LinuxSyscalls.TryLStat(resolved, out var status))
        {
            throw DriverException.InvalidArgument($"error gathering device information while adding custom device \"{hostPath}\": no such file or directory");
        }
        if ((status.Mode & FileStatus.TypeMask) == 0x4000)
        {
            return Directory.EnumerateFiles(resolved, "*", SearchOption.AllDirectories)
                .Select(file => FromStatus(target + file[resolved.Length..], file, access))
                .OfType<ContainerDevice>()
                .ToList();
        }
        return FromStatus(target, resolved, access) is { } device
            ? [device]
            : throw DriverException.InvalidArgument($"error gathering device information while adding custom device \"{hostPath}\": not a device node");
    }

    /// <summary>Every device node of the host's /dev, as a privileged container gets them.</summary>
    public static List<ContainerDevice> HostDevices()
    {
        var devices = new List<ContainerDevice>();
        var pending = new Stack<string>(["/dev"]);
        while (pending.TryPop(out var folder))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                if (SkippedHostFolders.Contains(entry) || entry == "/dev/console")
                {
                    continue;
                }
                if (!LinuxSyscalls.TryLStat(entry, out var status))
                {
                    continue;
                }
                if ((status.Mode & FileStatus.TypeMask) == 0x4000)
                {
                    pending.Push(entry);
                }
                else if (FromStatus(entry, entry, "rwm") is { } device)
                {
                    devices.Add(device);
                }
            }
        }
        return devices;
    }

    public static JsonObject ToSpecDevice(ContainerDevice device) => new()
    {
        ["path"] = device.Path,
        ["type"] = device.Type.ToString(),
        ["major"] = device.Major,
        ["minor"] = device.Minor,
        ["fileMode"] = device.FileMode,
        ["uid"] = device.Uid,
        ["gid"] = device.Gid,
    };

    public static JsonObject ToCgroupRule(ContainerDevice device) => new()
    {
        ["allow"] = true,
        ["type"] = device.Type.ToString(),
        ["major"] = device.Major,
        ["minor"] = device.Minor,
        ["access"] = device.Access,
    };

    private static ContainerDevice? FromStatus(string containerPath, string hostPath, string access)
    {
        if (!LinuxSyscalls.TryLStat(hostPath, out var status))
        {
            return null;
        }
        var type = (status.Mode & FileStatus.TypeMask) switch
        {
            CharacterDevice => 'c',
            BlockDevice => 'b',
            _ => '\0',
        };
        if (type == '\0')
        {
            return null;
        }
        var rdev = status.SpecialDevice;
        var major = (long)(((rdev >> 8) & 0xfff) | ((rdev >> 32) & 0xfffff000UL));
        var minor = (long)((rdev & 0xff) | ((rdev >> 12) & 0xffffff00UL));
        return new ContainerDevice(containerPath, type, major, minor, status.Mode & 0xFFF, status.Uid, status.Gid, access);
    }

    private static string ResolveLinks(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? path : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }
}
