using Microsoft.Extensions.Logging;
using Modular.Kernel.Volumes;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// <c>rm -v</c> and <c>--rm</c>: the anonymous volumes of a removed container go with it, unless another container
/// still uses one (<c>--volumes-from</c>), as in dockerd. Named volumes always stay.
/// </summary>
public static class AnonymousVolumes
{
    public static void RemoveFor(Container container, VolumeStore volumes, ILogger logger)
    {
        foreach (var mount in container.MountPoints.Where(m => m.Type == ContainerMount.VolumeType && m.Anonymous && m.Name is not null))
        {
            try
            {
                volumes.Remove(mount.Name!, force: true);
            }
            catch (DriverException e) when (e.Kind == DriverErrorKind.Conflict)
            {
                logger.LogDebug("Keeping volume {Volume}: {Reason}", mount.Name, e.Message);
            }
            catch (Exception e)
            {
                logger.LogWarning("Removing volume {Volume} of {Container} failed: {Error}", mount.Name, container.ShortId, e.Message);
            }
        }
    }
}
