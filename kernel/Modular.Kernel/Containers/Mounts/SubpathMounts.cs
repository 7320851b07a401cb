using Modular.Kernel.Containers.Archive;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// <c>volume-subpath</c> without a race: the subpath is resolved beneath the volume with openat2 (a symlink out of
/// the volume is refused), and what the descriptor found is bind-mounted onto a private mount point that the
/// runtime then mounts. A container sharing the volume cannot swap the path for a symlink to the host in between,
/// because the runtime never resolves the subpath itself. The mount points live under
/// <c>&lt;data-root&gt;/volumes/.subpaths/&lt;container&gt;/</c> and go when the container stops.
/// </summary>
public sealed class SubpathMounts(string volumesRoot)
{
    private string FolderOf(string containerId) => Path.Combine(volumesRoot, ".subpaths", containerId);

    /// <summary>A host path holding exactly the volume's <paramref name="subpath"/>, for the runtime to bind.</summary>
    public string Pin(string containerId, string volumeData, string subpath)
    {
        var full = Path.Combine(volumeData, subpath);
        using var root = ScopedOpen.OpenRoot(volumeData);
        using var target = ScopedOpen.Open(root, subpath, ScopedOpen.PathOnly, Scope.Beneath)
            ?? throw DriverException.InvalidArgument(
                $"error while mounting volume '{volumeData}': cannot access path {full}: lstat {full}: no such file or directory");
        var folder = FolderOf(containerId);
        Directory.CreateDirectory(folder);
        var pin = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        if (ScopedOpen.Status(target).IsDirectory)
        {
            Directory.CreateDirectory(pin);
        }
        else
        {
            File.WriteAllBytes(pin, []);
        }
        LinuxSyscalls.Mount(ScopedOpen.ProcPath(target), pin, null, LinuxSyscalls.MountBind | LinuxSyscalls.MountRecursive, null);
        return pin;
    }

    /// <summary>Unmounts and deletes the container's pins; never deletes below a mount.</summary>
    public void Release(string containerId) => Clean(FolderOf(containerId));

    /// <summary>At daemon start: every pin is a leftover.</summary>
    public void ReleaseAll() => Clean(Path.Combine(volumesRoot, ".subpaths"));

    private static void Clean(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (var mountPoint in MountTable.MountPointsUnder(folder).OrderByDescending(m => m.Length))
        {
            LinuxSyscalls.Unmount(mountPoint);
        }
        if (MountTable.MountPointsUnder(folder).Count > 0)
        {
            return;
        }
        // Only empty pins are left; each is removed on its own, so a mount that slipped in is never descended into.
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).OrderByDescending(e => e.Length))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }
        Directory.Delete(folder);
    }
}
