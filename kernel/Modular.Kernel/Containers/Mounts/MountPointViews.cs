using Modular.Api.Models;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>A container's mounts as inspect and ps show them (HostConfig.Tmpfs entries are not among them, as in Docker).</summary>
public static class MountPointViews
{
    public static List<MountPoint> Of(Container container) => container.MountPoints.Select(mount => new MountPoint
    {
        Type = mount.Type,
        Name = mount.Name,
        Source = mount.Source,
        Destination = mount.Destination,
        Driver = mount.Driver,
        Mode = mount.Mode,
        RW = !mount.ReadOnly,
        Propagation = mount.Propagation,
    }).ToList();
}
