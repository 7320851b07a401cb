using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// Read-only binds for clients older than API 1.44, which predates recursive read-only: as in dockerd, theirs stay
/// read-only at the top only (ReadOnlyNonRecursive), and asking for ReadOnlyForceRecursive is refused.
/// </summary>
public static class LegacyReadOnlyBinds
{
    private static readonly Version RecursiveReadOnlyApi = new(1, 44);

    /// <summary>Before create: refuses what an old API cannot ask for.</summary>
    public static void Check(ContainerCreateRequest request, Version apiVersion)
    {
        if (apiVersion >= RecursiveReadOnlyApi)
        {
            return;
        }
        if (request.HostConfig?.Mounts?.Any(m => m.Type == ContainerMount.BindType && m.BindOptions?.ReadOnlyForceRecursive == true) == true)
        {
            throw DriverException.InvalidArgument("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer");
        }
    }

    /// <summary>After create: the container's read-only binds (from -v and --mount) keep their submounts as they are.</summary>
    public static void Apply(Container container, ContainerStore store, Version apiVersion)
    {
        if (apiVersion >= RecursiveReadOnlyApi)
        {
            return;
        }
        var readOnlyBinds = container.MountPoints.Where(m => m.Type == ContainerMount.BindType && m.ReadOnly && !m.ReadOnlyNonRecursive).ToList();
        foreach (var mount in readOnlyBinds)
        {
            mount.ReadOnlyNonRecursive = true;
        }
        if (readOnlyBinds.Count > 0)
        {
            store.Save(container);
        }
    }
}
