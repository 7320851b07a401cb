using Modular.Api.Models;
using Modular.Kernel.Volumes;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// Decides a new container's mounts as dockerd's registerMountPoints does: the mounts of <c>--volumes-from</c>
/// containers first, then <c>-v</c> binds (which replace them at the same destination), then <c>--mount</c>s, then an
/// anonymous volume for every image or Config volume nothing else covers. <see cref="Plan"/> only checks and decides
/// (nothing is created, so a refused request leaves nothing behind); <see cref="CreateVolumes"/> then creates the
/// volumes, claimed for the container so that no concurrent removal takes them before the container is stored.
/// </summary>
public static class MountPlanner
{
    public static List<ContainerMount> Plan(HostConfig host, ContainerConfig config, ContainerStore containers)
    {
        if (host.ShmSize < 0)
        {
            throw DriverException.InvalidArgument("SHM size can not be less than 0");
        }
        var planned = new Dictionary<string, ContainerMount>(StringComparer.Ordinal);
        var explicitDestinations = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entry in host.VolumesFrom ?? [])
        {
            foreach (var inherited in VolumesFrom(entry, containers))
            {
                planned[inherited.Destination] = inherited;
            }
        }
        foreach (var bind in host.Binds ?? [])
        {
            Add(BindSpec.Parse(bind));
        }
        foreach (var spec in host.Mounts ?? [])
        {
            Add(MountSpec.Parse(spec));
        }
        foreach (var (destination, options) in host.Tmpfs ?? [])
        {
            if (!destination.StartsWith('/'))
            {
                throw DriverException.InvalidArgument($"invalid mount config for type \"tmpfs\": invalid mount path: '{destination}' mount path must be absolute");
            }
            TmpfsSpec.FromTmpfsFlag(destination, options);
            if (!explicitDestinations.Add(MountPaths.Clean(destination)))
            {
                throw DriverException.InvalidArgument($"Duplicate mount point: {MountPaths.Clean(destination)}");
            }
        }
        foreach (var path in config.Volumes?.Keys.ToList() ?? [])
        {
            // The docker CLI leaves "-v /path[:mode]" (no source) here, mode included.
            var spec = BindSpec.Parse(path);
            var destination = spec.Destination;
            if (planned.ContainsKey(destination) || explicitDestinations.Contains(destination))
            {
                continue;
            }
            planned[destination] = new ContainerMount
            {
                Type = ContainerMount.VolumeType,
                Destination = destination,
                ReadOnly = spec.ReadOnly,
                Mode = spec.Mode,
                CopyData = spec.Type != ContainerMount.VolumeType || spec.CopyData,
                Anonymous = true,
            };
        }
        foreach (var mount in planned.Values.Where(m => m.Type == ContainerMount.VolumeType))
        {
            mount.Driver ??= host.VolumeDriver;
        }
        return planned.Values.ToList();

        void Add(ContainerMount mount)
        {
            if (!explicitDestinations.Add(mount.Destination))
            {
                throw DriverException.InvalidArgument($"Duplicate mount point: {mount.Destination}");
            }
            planned[mount.Destination] = mount;
        }
    }

    /// <summary>Creates (or finds) the volumes the plan names, claimed for <paramref name="containerId"/>; on failure nothing is left.</summary>
    public static void CreateVolumes(string containerId, IReadOnlyList<ContainerMount> mounts, VolumeStore volumes)
    {
        try
        {
            foreach (var mount in mounts.Where(m => m.Type == ContainerMount.VolumeType))
            {
                var options = mount.Request?.VolumeOptions;
                var volume = volumes.Create(mount.Name, mount.Driver, options?.DriverConfig?.Options, options?.Labels, claimedBy: containerId);
                // dockerd shows "z" for a -v volume of the local driver given without a mode.
                if (mount.Mode.Length == 0 && mount.Request is null && !mount.Anonymous && volume.Driver == LocalVolumeDriver.DriverName)
                {
                    mount.Mode = "z";
                }
                mount.Name = volume.Name;
                mount.Driver = volume.Driver;
                mount.Source = volumes.MountpointOf(volume);
            }
        }
        catch
        {
            Abandon(containerId, mounts, volumes);
            throw;
        }
    }

    /// <summary>Undoes <see cref="CreateVolumes"/> for a container that was never stored: claims dropped, its anonymous volumes removed.</summary>
    public static void Abandon(string containerId, IEnumerable<ContainerMount> mounts, VolumeStore volumes)
    {
        volumes.ReleaseClaims(containerId);
        foreach (var mount in mounts.Where(m => m.Type == ContainerMount.VolumeType && m.Anonymous && m.Name is not null && !m.Inherited))
        {
            try
            {
                volumes.Remove(mount.Name!, force: true);
            }
            catch (DriverException)
            {
                // Used by another container meanwhile: it stays.
            }
        }
    }

    private static IEnumerable<ContainerMount> VolumesFrom(string entry, ContainerStore containers)
    {
        var colon = entry.LastIndexOf(':');
        var (reference, mode) = colon > 0 ? (entry[..colon], entry[(colon + 1)..]) : (entry, "");
        if (mode is not ("" or "ro" or "rw"))
        {
            throw DriverException.InvalidArgument($"invalid mode: {mode}");
        }
        var source = containers.Get(reference);
        foreach (var mount in source.MountPoints)
        {
            yield return new ContainerMount
            {
                Type = mount.Type,
                Destination = mount.Destination,
                Source = mount.Source,
                Name = mount.Name,
                Driver = mount.Driver,
                ReadOnly = mode switch { "ro" => true, "rw" => false, _ => mount.ReadOnly },
                Mode = mount.Mode,
                Propagation = mount.Propagation,
                CopyData = false,
                Subpath = mount.Subpath,
                CreateSource = mount.CreateSource,
                NonRecursive = mount.NonRecursive,
                TmpfsOptions = mount.TmpfsOptions,
                Anonymous = mount.Anonymous,
                Inherited = true,
            };
        }
    }
}
