using Microsoft.Extensions.Logging;
using Modular.Kernel.Configuration;
using Modular.Kernel.Containers.Archive;
using Modular.Kernel.Volumes;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// Turns a container's mounts into OCI spec mounts when it starts: volumes are mounted through their driver (and
/// filled from the image on first use), missing bind sources are created or refused, tmpfs options take Docker's
/// defaults. Read-only binds and volumes are read-only recursively ("rro") where kernel and runtime can, as in Docker 25+.
/// <see cref="Release"/> ends the container's use of its volumes when it stops.
/// </summary>
public sealed class ContainerMountSetup(VolumeStore volumes, DaemonConfig config, ILogger<ContainerMountSetup> logger)
{
    private readonly SubpathMounts _subpaths = new(volumes.Root);
    private readonly RecursiveReadOnly _recursiveReadOnly = new(config);

    public VolumeStore Volumes => volumes;

    /// <summary>At daemon start, after the containers are reconciled: leftover mounts of volumes and subpaths go.</summary>
    public void Reconcile()
    {
        _subpaths.ReleaseAll();
        volumes.Reconcile();
    }

    /// <summary>The spec mounts of the container, parents before children; the caller must <see cref="Release"/> afterwards, even on failure.</summary>
    public IReadOnlyList<SpecMount> Prepare(Container container, string rootfs)
    {
        var result = new List<SpecMount>();
        var copied = false;
        foreach (var mount in container.MountPoints)
        {
            switch (mount.Type)
            {
                case ContainerMount.VolumeType:
                    var data = volumes.Mount(mount.Name!, container.Id);
                    if (mount.CopyData)
                    {
                        CopyUp(rootfs, mount.Destination, data);
                        mount.CopyData = false;
                        copied = true;
                    }
                    var source = mount.Subpath is { Length: > 0 } subpath ? _subpaths.Pin(container.Id, data, subpath) : data;
                    result.Add(Bind(mount.Destination, source, ReadOnlyOption(container, mount), mount.Propagation, nonRecursive: false));
                    volumes.Publish(volumes.Get(mount.Name!), "mount", new Dictionary<string, string>
                    {
                        ["container"] = container.Id,
                        ["destination"] = mount.Destination,
                        ["read/write"] = mount.ReadOnly ? "false" : "true",
                        ["propagation"] = mount.Propagation,
                    });
                    break;
                case ContainerMount.BindType:
                    EnsureBindSource(mount);
                    result.Add(Bind(mount.Destination, mount.Source, ReadOnlyOption(container, mount), mount.Propagation, mount.NonRecursive));
                    break;
                default:
                    result.Add(Tmpfs(mount.Destination, mount.TmpfsOptions));
                    break;
            }
        }
        foreach (var (destination, options) in container.HostConfig.Tmpfs ?? [])
        {
            result.Add(Tmpfs(MountPaths.Clean(destination), options));
        }
        if (copied)
        {
            // The copy happens once: the cleared flags are persisted by the start's own state save.
            logger.LogDebug("Copied image content into the volumes of {Container}", container.ShortId);
        }
        return result.OrderBy(m => m.Destination.Count(c => c == '/') - (m.Destination == "/" ? 1 : 0)).ToList();
    }

    /// <summary>Ends the container's use of its volumes (the last user of a volume with mount options unmounts it).</summary>
    public void Release(Container container)
    {
        try
        {
            _subpaths.Release(container.Id);
        }
        catch (Exception e)
        {
            logger.LogWarning("Releasing the subpath mounts of {Container} failed: {Error}", container.ShortId, e.Message);
        }
        foreach (var mount in container.MountPoints.Where(m => m.Type == ContainerMount.VolumeType && m.Name is not null))
        {
            try
            {
                volumes.Unmount(mount.Name!, container.Id);
                if (volumes.Find(mount.Name!) is { } volume)
                {
                    volumes.Publish(volume, "unmount", new Dictionary<string, string> { ["container"] = container.Id });
                }
            }
            catch (Exception e)
            {
                logger.LogWarning("Releasing volume {Volume} of {Container} failed: {Error}", mount.Name, container.ShortId, e.Message);
            }
        }
    }

    /// <summary>Whether a user mount covers <paramref name="destination"/> (then the kernel's own file there is not mounted).</summary>
    public static bool Covers(Container container, string destination) =>
        container.MountPoints.Any(m => m.Destination == destination)
        || (container.HostConfig.Tmpfs?.Keys.Any(k => MountPaths.Clean(k) == destination) ?? false);

    private static void CopyUp(string rootfs, string destination, string volume)
    {
        using var root = ScopedOpen.OpenRoot(rootfs);
        using var folder = ScopedOpen.Open(root, destination.TrimStart('/'), ScopedOpen.PathOnly | ScopedOpen.Directory, Scope.InRoot);
        if (folder is null)
        {
            return;
        }
        // The descriptor pins the folder the lookup found inside the rootfs; its /proc path cannot lead elsewhere.
        VolumeCopyUp.CopyIfEmpty(ScopedOpen.ProcPath(folder) + "/.", volume);
    }

    private static void EnsureBindSource(ContainerMount mount)
    {
        if (Path.Exists(mount.Source))
        {
            return;
        }
        if (!mount.CreateSource)
        {
            throw DriverException.InvalidArgument($"invalid mount config for type \"bind\": bind source path does not exist: {mount.Source}");
        }
        Directory.CreateDirectory(mount.Source);
    }

    // dockerd's choice (daemon/oci_linux.go): "rro" for every read-only mount unless bind-recursive=writable asked
    // otherwise or kernel/runtime cannot, which only bind-recursive=readonly turns into an error.
    private string? ReadOnlyOption(Container container, ContainerMount mount)
    {
        if (!mount.ReadOnly)
        {
            if (mount.ReadOnlyNonRecursive)
            {
                throw DriverException.InvalidArgument("mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive");
            }
            if (mount.ReadOnlyForceRecursive)
            {
                throw DriverException.InvalidArgument("mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive");
            }
            return null;
        }
        if (mount.ReadOnlyNonRecursive)
        {
            if (mount.ReadOnlyForceRecursive)
            {
                throw DriverException.InvalidArgument("mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive");
            }
            return "ro";
        }
        if (_recursiveReadOnly.WhyUnsupported(container.Runtime) is { } reason)
        {
            return mount.ReadOnlyForceRecursive ? throw DriverException.InvalidArgument(reason) : "ro";
        }
        return "rro";
    }

    private static SpecMount Bind(string destination, string source, string? readOnlyOption, string propagation, bool nonRecursive)
    {
        var options = new List<string> { nonRecursive ? "bind" : "rbind" };
        if (readOnlyOption is not null)
        {
            options.Add(readOnlyOption);
        }
        options.Add(propagation is { Length: > 0 } ? propagation : "rprivate");
        return new SpecMount(destination, "bind", source, options);
    }

    private static SpecMount Tmpfs(string destination, string options)
    {
        return new SpecMount(destination, "tmpfs", "tmpfs", [.. TmpfsSpec.Merge(options), "rprivate"]);
    }

    /// <summary>Whether any mount asks for shared or slave propagation, which the container's root must then allow.</summary>
    public static string? RootPropagation(IEnumerable<SpecMount> mounts)
    {
        var options = mounts.SelectMany(m => m.Options).ToHashSet(StringComparer.Ordinal);
        return options.Contains("shared") || options.Contains("rshared") ? "rshared"
            : options.Contains("slave") || options.Contains("rslave") ? "rslave"
            : null;
    }
}
