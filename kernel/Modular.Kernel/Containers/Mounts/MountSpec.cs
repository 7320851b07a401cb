using Modular.Api.Models;
using Modular.Kernel.Volumes;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// HostConfig.Mounts (<c>--mount</c>) checked the way dockerd checks them, with its messages
/// (<c>invalid mount config for type "bind": ...</c>), and turned into container mounts.
/// </summary>
public static class MountSpec
{
    private static readonly HashSet<string> Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

    public static ContainerMount Parse(Mount mount)
    {
        var type = mount.Type ?? "";
        var target = mount.Target ?? "";
        var source = mount.Source ?? "";
        DriverException Error(string problem) => DriverException.InvalidArgument($"invalid mount config for type \"{type}\": {problem}");

        if (type is not (ContainerMount.BindType or ContainerMount.VolumeType or ContainerMount.TmpfsType))
        {
            throw type.Length == 0 ? DriverException.InvalidArgument("invalid mount config: mount type unknown") : Error("mount type unknown");
        }
        if (target.Length == 0)
        {
            throw Error("field Target must not be empty");
        }
        if (!target.StartsWith('/'))
        {
            throw Error($"invalid mount path: '{target}' mount path must be absolute");
        }
        var destination = MountPaths.Clean(target);

        switch (type)
        {
            case ContainerMount.BindType:
                if (mount.VolumeOptions is not null)
                {
                    throw Error("field VolumeOptions must not be specified");
                }
                if (mount.TmpfsOptions is not null)
                {
                    throw Error("field TmpfsOptions must not be specified");
                }
                if (source.Length == 0)
                {
                    throw Error("field Source must not be empty");
                }
                if (!source.StartsWith('/'))
                {
                    throw Error($"invalid mount path: '{source}' mount path must be absolute");
                }
                var propagation = mount.BindOptions?.Propagation is { Length: > 0 } p ? p : "rprivate";
                if (!Propagations.Contains(propagation))
                {
                    throw Error($"invalid propagation mode: {propagation}");
                }
                var createSource = mount.BindOptions?.CreateMountpoint == true;
                var hostPath = MountPaths.Clean(source);
                if (!createSource && !Path.Exists(hostPath))
                {
                    throw Error($"bind source path does not exist: {hostPath}");
                }
                return new ContainerMount
                {
                    Type = type,
                    Source = hostPath,
                    Destination = destination,
                    ReadOnly = mount.ReadOnly,
                    Propagation = propagation,
                    CreateSource = createSource,
                    NonRecursive = mount.BindOptions?.NonRecursive == true,
                    ReadOnlyNonRecursive = mount.BindOptions?.ReadOnlyNonRecursive == true,
                    ReadOnlyForceRecursive = mount.BindOptions?.ReadOnlyForceRecursive == true,
                };

            case ContainerMount.VolumeType:
                if (mount.BindOptions is not null)
                {
                    throw Error("field BindOptions must not be specified");
                }
                if (mount.TmpfsOptions is not null)
                {
                    throw Error("field TmpfsOptions must not be specified");
                }
                if (source.Length > 0)
                {
                    VolumeNames.Validate(source);
                }
                var subpath = mount.VolumeOptions?.Subpath;
                if (subpath is { Length: > 0 } && (subpath.StartsWith('/') || MountPaths.Clean(subpath).Split('/').Contains("..")))
                {
                    throw Error("subpath must be a relative path within the volume");
                }
                if (subpath is { Length: > 0 } && source.Length == 0)
                {
                    throw Error("subpath is only allowed for named volumes");
                }
                return new ContainerMount
                {
                    Type = type,
                    Name = source.Length > 0 ? source : null,
                    Driver = mount.VolumeOptions?.DriverConfig?.Name,
                    Destination = destination,
                    ReadOnly = mount.ReadOnly,
                    CopyData = mount.VolumeOptions?.NoCopy != true,
                    Subpath = subpath is { Length: > 0 } ? MountPaths.Clean(subpath) : null,
                    Anonymous = source.Length == 0,
                    Request = mount,
                };

            default:
                if (source.Length > 0)
                {
                    throw Error("field Source must not be specified");
                }
                if (mount.BindOptions is not null)
                {
                    throw Error("field BindOptions must not be specified");
                }
                if (mount.VolumeOptions is not null)
                {
                    throw Error("field VolumeOptions must not be specified");
                }
                if (mount.TmpfsOptions?.SizeBytes < 0)
                {
                    throw Error("invalid tmpfs size: must not be negative");
                }
                return new ContainerMount
                {
                    Type = type,
                    Destination = destination,
                    ReadOnly = mount.ReadOnly,
                    TmpfsOptions = TmpfsSpec.FromMountOptions(mount.TmpfsOptions, mount.ReadOnly),
                };
        }
    }
}
