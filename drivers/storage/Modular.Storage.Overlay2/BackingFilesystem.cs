using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>What the filesystem under the driver's root is, and whether overlayfs can keep upper directories on it.</summary>
internal sealed record BackingFilesystem(string Name, bool SupportsDirectoryEntryTypes)
{
    private static readonly Dictionary<long, string> NamesByMagic = new()
    {
        [0xEF53] = "extfs",
        [0x58465342] = "xfs",
        [0x9123683E] = "btrfs",
        [0x01021994] = "tmpfs",
        [0x2FC12FC1] = "zfs",
        [0xF2F52010] = "f2fs",
        [0x858458F6] = "ramfs",
        [0x52654973] = "reiserfs",
        [0x794C7630] = "overlayfs",
        [0x61756673] = "aufs",
        [0xF15F] = "ecryptfs",
        [0x6969] = "nfs",
        [0xFF534D42] = "cifs",
        [0xFE534D42] = "smb2",
        [0x65735546] = "fuse",
    };

    // Overlayfs refuses these as upper layers (no whiteouts, no trusted xattrs, or overlay on overlay).
    private static readonly HashSet<string> UnusableForUpper = ["overlayfs", "aufs", "ecryptfs", "nfs", "cifs", "smb2"];

    /// <summary>Inspects <paramref name="root"/>; throws <see cref="DriverErrorKind.NotSupported"/> when overlay2 cannot work there.</summary>
    public static BackingFilesystem Inspect(string root)
    {
        if (!File.ReadLines("/proc/filesystems").Any(line => line.EndsWith("\toverlay", StringComparison.Ordinal)))
        {
            throw DriverException.NotSupported("overlay2 needs overlayfs, which this kernel does not offer (is the overlay module loaded?)");
        }
        var magic = LinuxSyscalls.FilesystemMagic(root);
        var name = NamesByMagic.TryGetValue(magic, out var known) ? known : $"<unknown 0x{magic:x}>";
        if (UnusableForUpper.Contains(name))
        {
            throw DriverException.NotSupported($"overlay2 cannot keep its layers on {name} ({root}): overlayfs does not support it as an upper filesystem");
        }
        var backing = new BackingFilesystem(name, ProbeDirectoryEntryTypes(root));
        if (!backing.SupportsDirectoryEntryTypes)
        {
            throw DriverException.NotSupported(
                $"overlay2 needs d_type support from the backing filesystem {name} ({root}); on xfs, reformat with ftype=1");
        }
        return backing;
    }

    private static bool ProbeDirectoryEntryTypes(string root)
    {
        var probe = Path.Join(root, $".d_type-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probe);
        try
        {
            File.WriteAllBytes(Path.Join(probe, "file"), []);
            return LinuxSyscalls.SupportsDirectoryEntryTypes(probe);
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }
}
