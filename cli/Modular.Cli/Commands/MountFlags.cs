using System.Globalization;
using System.Text.RegularExpressions;
using Modular.Api.Models;

namespace Modular.Cli.Commands;

/// <summary>
/// The mount flags of run/create as docker/cli reads them: <c>-v</c> (a spec with a source is a bind or named volume,
/// a bare destination is an anonymous volume in Config.Volumes), <c>--mount</c> (comma-separated key=value fields),
/// <c>--tmpfs</c> and <c>--shm-size</c>. Errors read as docker's flag errors.
/// </summary>
internal static partial class MountFlags
{
    /// <summary>Splits <c>-v</c> values into HostConfig.Binds and Config.Volumes.</summary>
    public static (List<string> Binds, List<string> Volumes) SplitVolumes(IEnumerable<string> specs, Func<string, string> absolutePath)
    {
        var binds = new List<string>();
        var volumes = new List<string>();
        foreach (var spec in specs)
        {
            var parts = spec.Split(':');
            if (spec.Length == 0 || parts.Length > 3 || parts.Any(p => p.Length == 0))
                throw FlagError(spec, "--volume", "-v", $"invalid spec: {spec}: empty section between colons");
            // As docker/cli: only a bare destination is an anonymous volume of Config.Volumes; "/path:ro" goes to
            // Binds too, where the daemon reads it as an anonymous volume with a mode.
            if (parts.Length == 1)
            {
                volumes.Add(spec);
                continue;
            }
            var host = parts[0];
            // docker/cli makes a relative host path (./data) absolute; a bare name stays a volume name.
            if (host.StartsWith('.'))
                host = absolutePath(host);
            binds.Add(string.Join(':', [host, .. parts[1..]]));
        }
        return (binds, volumes);
    }

    /// <summary>One <c>--mount</c> value, e.g. <c>type=bind,src=/a,dst=/b,readonly</c>.</summary>
    public static Mount ParseMount(string value, Func<string, string> absolutePath)
    {
        var mount = new Mount { Type = "volume" };
        VolumeOptions VolumeOptions() => mount.VolumeOptions ??= new VolumeOptions { Labels = [] };
        VolumeDriverConfig DriverConfig() => VolumeOptions().DriverConfig ??= new VolumeDriverConfig();
        BindOptions BindOptions() => mount.BindOptions ??= new BindOptions();
        TmpfsOptions TmpfsOptions() => mount.TmpfsOptions ??= new TmpfsOptions();
        Exception Error(string message) => FlagError(value, "--mount", null, message);
        bool Bool(string key, string text) => text.ToLowerInvariant() switch
        {
            "1" or "t" or "true" => true,
            "0" or "f" or "false" => false,
            _ => throw Error($"invalid value for {key}: {text}"),
        };

        foreach (var field in SplitFields(value))
        {
            var eq = field.IndexOf('=');
            if (eq < 0)
            {
                switch (field)
                {
                    case "readonly" or "ro": mount.ReadOnly = true; continue;
                    case "volume-nocopy": VolumeOptions().NoCopy = true; continue;
                    case "bind-nonrecursive": BindOptions().NonRecursive = true; continue;
                    case "bind-create-src": BindOptions().CreateMountpoint = true; continue;
                    default: throw Error($"invalid field '{field}' must be a key=value pair");
                }
            }
            var (key, text) = (field[..eq].ToLowerInvariant(), field[(eq + 1)..]);
            switch (key)
            {
                case "type": mount.Type = text.ToLowerInvariant(); break;
                case "source" or "src":
                    mount.Source = text == "." || text.StartsWith("./", StringComparison.Ordinal) ? absolutePath(text) : text;
                    break;
                case "target" or "dst" or "destination": mount.Target = text; break;
                case "readonly" or "ro": mount.ReadOnly = Bool(key, text); break;
                case "consistency": mount.Consistency = text.ToLowerInvariant(); break;
                case "bind-propagation": BindOptions().Propagation = text.ToLowerInvariant(); break;
                case "bind-nonrecursive": BindOptions().NonRecursive = Bool(key, text); break;
                case "bind-create-src": BindOptions().CreateMountpoint = Bool(key, text); break;
                case "bind-recursive":
                    switch (text)
                    {
                        case "enabled": break;
                        case "disabled": BindOptions().NonRecursive = true; break;
                        case "writable": BindOptions().ReadOnlyNonRecursive = true; break;
                        case "readonly": BindOptions().ReadOnlyForceRecursive = true; break;
                        default: throw Error($"invalid value for {key}: {text} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")");
                    }
                    break;
                case "volume-nocopy": VolumeOptions().NoCopy = Bool(key, text); break;
                case "volume-label": SetPair(VolumeOptions().Labels!, text); break;
                case "volume-driver": DriverConfig().Name = text; break;
                case "volume-opt": SetPair(DriverConfig().Options ??= [], text); break;
                case "volume-subpath": VolumeOptions().Subpath = text; break;
                case "tmpfs-size":
                    TmpfsOptions().SizeBytes = RamInBytes(text) ?? throw Error($"invalid value for {key}: {text}");
                    break;
                case "tmpfs-mode":
                    try
                    {
                        TmpfsOptions().Mode = Convert.ToUInt32(text, 8);
                    }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                    {
                        throw Error($"invalid value for {key}: {text}");
                    }
                    break;
                default: throw Error($"unexpected key '{key}' in '{field}'");
            }
        }

        if (string.IsNullOrEmpty(mount.Type))
            throw Error("type is required");
        if (string.IsNullOrEmpty(mount.Target))
            throw Error("target is required");
        if (mount.VolumeOptions is not null && mount.Type != "volume")
            throw Error($"cannot mix 'volume-*' options with mount type '{mount.Type}'");
        if (mount.BindOptions is not null && mount.Type != "bind")
            throw Error($"cannot mix 'bind-*' options with mount type '{mount.Type}'");
        if (mount.TmpfsOptions is not null && mount.Type != "tmpfs")
            throw Error($"cannot mix 'tmpfs-*' options with mount type '{mount.Type}'");
        return mount;
    }

    /// <summary><c>--tmpfs /run:rw,size=64m</c> into HostConfig.Tmpfs.</summary>
    public static Dictionary<string, string> ParseTmpfs(IEnumerable<string> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var colon = value.IndexOf(':');
            var (destination, options) = colon < 0 ? (value, "") : (value[..colon], value[(colon + 1)..]);
            result[destination] = options;
        }
        return result;
    }

    public static long ParseShmSize(string value) =>
        RamInBytes(value) is { } bytes and > 0
            ? bytes
            : throw FlagError(value, "--shm-size", null, $"invalid size: '{value}'");

    /// <summary>go-units RAMInBytes: "64m", "1.5g", "512KiB", binary multiples; null when it is not a size.</summary>
    public static long? RamInBytes(string text)
    {
        var match = RamSize().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return null;
        var unit = match.Groups[2].Value.ToLowerInvariant();
        var multiplier = unit switch { "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, "t" => 1L << 40, "p" => 1L << 50, _ => 1L };
        return (long)(number * multiplier);
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex RamSize();

    private static void SetPair(Dictionary<string, string> target, string text)
    {
        var eq = text.IndexOf('=');
        var key = eq < 0 ? text : text[..eq];
        if (key.Length > 0)
            target[key] = eq < 0 ? "" : text[(eq + 1)..];
    }

    // docker reads --mount with encoding/csv: commas separate fields, double quotes protect a comma.
    private static IEnumerable<string> SplitFields(string value)
    {
        var field = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in value)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                yield return field.ToString();
                field.Clear();
            }
            else
                field.Append(c);
        }
        yield return field.ToString();
    }

    private static CliStatusException FlagError(string value, string name, string? alias, string message) =>
        new(CliErrors.DaemonError, $"invalid argument \"{value}\" for \"{(alias is null ? name : $"{alias}, {name}")}\" flag: {message}");
}
