using Modular.Kernel.Volumes;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// Docker's <c>-v</c> / HostConfig.Binds syntax on Linux: <c>[source:]destination[:mode]</c>. An absolute source is a
/// host path (bind), anything else names a volume; no source means an anonymous volume. Modes: ro, rw, z, Z, nocopy
/// and the propagations, comma-separated.
/// </summary>
public static class BindSpec
{
    private static readonly HashSet<string> Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];
    private static readonly HashSet<string> Consistencies = ["consistent", "cached", "delegated"];

    public static ContainerMount Parse(string spec)
    {
        var parts = spec.Split(':');
        string source = "", destination, mode = "";
        switch (parts.Length)
        {
            case 1:
                destination = parts[0];
                break;
            case 2 when IsValidMode(parts[1]):
                // "/dest:ro" is an anonymous volume with a mode, "name:/dest" a named one.
                (destination, mode) = (parts[0], parts[1]);
                break;
            case 2:
                (source, destination) = (parts[0], parts[1]);
                break;
            case 3:
                (source, destination, mode) = (parts[0], parts[1], parts[2]);
                break;
            default:
                throw Invalid(spec);
        }
        if (destination.Length == 0)
        {
            throw Invalid(spec);
        }
        if (!destination.StartsWith('/'))
        {
            throw DriverException.InvalidArgument($"invalid volume specification: '{spec}': invalid mount config for type \"{(source.StartsWith('/') ? "bind" : "volume")}\": invalid mount path: '{destination}' mount path must be absolute");
        }
        if (mode.Length > 0 && !IsValidMode(mode))
        {
            throw DriverException.InvalidArgument($"invalid mode: {mode}");
        }
        var options = mode.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var readOnly = options.Contains("ro");
        var propagation = options.FirstOrDefault(Propagations.Contains);
        var noCopy = options.Contains("nocopy");
        destination = MountPaths.Clean(destination);

        if (source.StartsWith('/'))
        {
            if (noCopy)
            {
                throw DriverException.InvalidArgument($"invalid mode: {mode}");
            }
            return new ContainerMount
            {
                Type = ContainerMount.BindType,
                Source = MountPaths.Clean(source),
                Destination = destination,
                ReadOnly = readOnly,
                Mode = mode,
                Propagation = propagation ?? "rprivate",
                CreateSource = true,
            };
        }
        if (propagation is not null)
        {
            throw DriverException.InvalidArgument($"invalid mount config for type \"volume\": field Propagation must not be specified for a volume");
        }
        if (source.Length > 0)
        {
            VolumeNames.Validate(source);
        }
        return new ContainerMount
        {
            Type = ContainerMount.VolumeType,
            Name = source.Length > 0 ? source : null,
            Destination = destination,
            ReadOnly = readOnly,
            Mode = mode,
            CopyData = !noCopy,
            Anonymous = source.Length == 0,
        };
    }

    private static bool IsValidMode(string mode)
    {
        if (mode.Length == 0)
        {
            return false;
        }
        int access = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
        foreach (var option in mode.Split(','))
        {
            switch (option)
            {
                case "ro" or "rw": access++; break;
                case "z" or "Z": label++; break;
                case "nocopy": copy++; break;
                case var p when Propagations.Contains(p): propagation++; break;
                case var c when Consistencies.Contains(c): consistency++; break;
                default: return false;
            }
        }
        return access <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    private static DriverException Invalid(string spec) => DriverException.InvalidArgument($"invalid volume specification: '{spec}'");
}
