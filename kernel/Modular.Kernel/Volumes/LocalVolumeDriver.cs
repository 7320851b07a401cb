using System.Net;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Volumes;

/// <summary>
/// Docker's <c>local</c> volume driver: a volume is the folder <c>&lt;root&gt;/&lt;name&gt;/_data</c>. With options
/// (<c>type</c>, <c>device</c>, <c>o</c>) the folder is a mount point instead: the filesystem is mounted with mount(2)
/// when the first container starts using the volume and unmounted when the last one stops, so a tmpfs volume lives as
/// long as some container uses it, and an nfs or bind volume is only attached while needed.
/// </summary>
public sealed class LocalVolumeDriver(string root) : IVolumeDriver
{
    public const string DriverName = "local";
    private const string DataFolder = "_data";
    private static readonly HashSet<string> ValidOptions = ["type", "device", "o", "size"];

    // Which references hold a volume's mount; a lock per driver is enough: mounts are rare and quick.
    private readonly Dictionary<string, HashSet<string>> _mountedFor = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name => DriverName;

    public string Root => root;

    public void ValidateOptions(IReadOnlyDictionary<string, string> options)
    {
        foreach (var key in options.Keys)
        {
            if (!ValidOptions.Contains(key))
            {
                throw DriverException.InvalidArgument($"invalid option: \"{key}\"");
            }
        }
        if (options.ContainsKey("size"))
        {
            throw DriverException.InvalidArgument("quota size requested but no quota support");
        }
        // Docker's mandatory pairs: a device needs a type, a type needs a device, mount options need both.
        foreach (var (option, required) in new[] { ("device", new[] { "type" }), ("type", new[] { "device" }), ("o", new[] { "device", "type" }) })
        {
            if (options.ContainsKey(option))
            {
                foreach (var other in required.Where(r => !options.ContainsKey(r)))
                {
                    throw DriverException.InvalidArgument($"missing required option: \"{other}\"");
                }
            }
        }
    }

    public void Create(VolumeRecord volume)
    {
        var data = MountpointOf(volume);
        Directory.CreateDirectory(data);
    }

    public void Remove(VolumeRecord volume)
    {
        var folder = FolderOf(volume.Name);
        if (!Directory.Exists(folder))
        {
            return;
        }
        var data = Path.Combine(folder, DataFolder);
        lock (_lock)
        {
            _mountedFor.Remove(volume.Name);
            if (MountTable.IsMountPoint(data))
            {
                LinuxSyscalls.Unmount(data);
            }
        }
        if (Directory.Exists(data) && MountTable.IsMountPoint(data))
        {
            // Deleting below a mount would delete the device's or the bound host folder's files.
            throw new DriverException(DriverErrorKind.Internal, $"remove {volume.Name}: {data} is still mounted");
        }
        // The rename makes removal atomic for a daemon killed half-way: what is left is a leftover, never half a volume.
        var doomed = Path.Combine(root, $".removing-{volume.Name}-{Guid.NewGuid():N}");
        Directory.Move(folder, doomed);
        FileTree.RemoveAll(doomed);
    }

    /// <summary>Finishes removals a killed daemon left half done.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var leftover in Directory.EnumerateDirectories(root, ".removing-*"))
        {
            var data = Directory.EnumerateDirectories(leftover).FirstOrDefault(d => MountTable.IsMountPoint(d));
            if (data is null)
            {
                FileTree.RemoveAll(leftover);
            }
        }
    }

    public string MountpointOf(VolumeRecord volume) => Path.Combine(FolderOf(volume.Name), DataFolder);

    public string Mount(VolumeRecord volume, string reference)
    {
        var data = MountpointOf(volume);
        if (!NeedsMount(volume))
        {
            return data;
        }
        lock (_lock)
        {
            if (!_mountedFor.TryGetValue(volume.Name, out var references))
            {
                references = new HashSet<string>(StringComparer.Ordinal);
                _mountedFor[volume.Name] = references;
            }
            if (references.Count == 0 && !MountTable.IsMountPoint(data))
            {
                MountWithOptions(volume, data);
            }
            references.Add(reference);
        }
        return data;
    }

    public void Unmount(VolumeRecord volume, string reference)
    {
        if (!NeedsMount(volume))
        {
            return;
        }
        lock (_lock)
        {
            if (!_mountedFor.TryGetValue(volume.Name, out var references) || !references.Remove(reference) || references.Count > 0)
            {
                return;
            }
            _mountedFor.Remove(volume.Name);
            var data = MountpointOf(volume);
            if (MountTable.IsMountPoint(data))
            {
                LinuxSyscalls.Unmount(data);
            }
        }
    }

    public void Reconcile(VolumeRecord volume, IReadOnlyCollection<string> liveReferences)
    {
        if (!NeedsMount(volume))
        {
            return;
        }
        lock (_lock)
        {
            var data = MountpointOf(volume);
            if (liveReferences.Count == 0)
            {
                _mountedFor.Remove(volume.Name);
                while (MountTable.IsMountPoint(data))
                {
                    LinuxSyscalls.Unmount(data);
                }
                return;
            }
            _mountedFor[volume.Name] = new HashSet<string>(liveReferences, StringComparer.Ordinal);
        }
    }

    public long Size(VolumeRecord volume)
    {
        var data = MountpointOf(volume);
        return Directory.Exists(data) ? DirectorySize(data) : -1;
    }

    private static long DirectorySize(string folder)
    {
        long total = 0;
        var seen = new HashSet<(ulong, ulong)>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateFileSystemEntries(current).ToList();
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var child in children)
            {
                if (!LinuxSyscalls.TryLStat(child, out var status) || !seen.Add((status.Device, status.Inode)))
                {
                    continue;
                }
                if (status.IsDirectory)
                {
                    pending.Push(child);
                }
                else
                {
                    total += status.Size;
                }
            }
        }
        return total;
    }

    private static bool NeedsMount(VolumeRecord volume) =>
        volume.Options.ContainsKey("type") || volume.Options.ContainsKey("device");

    private static void MountWithOptions(VolumeRecord volume, string data)
    {
        Directory.CreateDirectory(data);
        var type = volume.Options.GetValueOrDefault("type", "");
        var device = volume.Options.GetValueOrDefault("device", "");
        var options = MountOptionFlags.Parse(volume.Options.GetValueOrDefault("o", ""));
        var payload = type is "nfs" or "cifs" ? ResolveAddress(options.Data) : options.Data;
        try
        {
            var isBind = (options.Flags & MountOptionFlags.Bind) != 0;
            var flags = isBind ? options.Flags & ~MountOptionFlags.ReadOnly : options.Flags;
            LinuxSyscalls.Mount(device, data, type is "" or "none" ? null : type, flags, payload.Length > 0 ? payload : null);
            if (isBind && (options.Flags & MountOptionFlags.ReadOnly) != 0)
            {
                // A bind mount ignores MS_RDONLY on creation: read-only takes a remount.
                LinuxSyscalls.Mount("", data, null, MountOptionFlags.Remount | MountOptionFlags.Bind | MountOptionFlags.ReadOnly, null);
            }
            if (options.Propagation != 0)
            {
                LinuxSyscalls.Mount("", data, null, options.Propagation, null);
            }
        }
        catch (SyscallException e)
        {
            throw new DriverException(DriverErrorKind.Internal,
                $"error while mounting volume '{data}': failed to mount local volume: mount {device}:{data}, flags: 0x{options.Flags:x}, data: {payload}: {e.Message}", e);
        }
    }

    // As Docker's local driver: nfs and cifs want an address, so a host name in addr= is resolved first.
    private static string ResolveAddress(string data)
    {
        var parts = data.Split(',').ToList();
        var index = parts.FindIndex(p => p.StartsWith("addr=", StringComparison.Ordinal));
        if (index < 0)
        {
            return data;
        }
        var host = parts[index]["addr=".Length..];
        if (IPAddress.TryParse(host, out _))
        {
            return data;
        }
        var address = Dns.GetHostAddresses(host).FirstOrDefault()
            ?? throw DriverException.InvalidArgument($"error resolving passed in network volume address: {host}");
        parts[index] = "addr=" + address;
        return string.Join(',', parts);
    }

    private string FolderOf(string name) => Path.Combine(root, name);
}
