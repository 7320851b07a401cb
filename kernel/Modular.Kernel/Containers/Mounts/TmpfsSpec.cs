using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// tmpfs mount options as Docker forms them: a size in the largest unit that divides it ("size=64m"), an octal mode,
/// and the options of <c>--tmpfs /run:rw,size=64m</c>, merged over Docker's defaults (noexec, nosuid, nodev) so that
/// a later option wins (exec over noexec).
/// </summary>
public static class TmpfsSpec
{
    private static readonly string[] Defaults = ["noexec", "nosuid", "nodev"];

    public static string FromMountOptions(TmpfsOptions? options, bool readOnly)
    {
        var raw = new List<string>();
        if (readOnly)
        {
            raw.Add("ro");
        }
        if (options is null)
        {
            return string.Join(',', raw);
        }
        if (options.SizeBytes > 0)
        {
            raw.Add("size=" + SizeText(options.SizeBytes));
        }
        if (options.Mode != 0)
        {
            raw.Add("mode=" + Convert.ToString(options.Mode & 0xFFF, 8));
        }
        foreach (var pair in options.Options ?? [])
        {
            raw.Add(pair.Count switch
            {
                1 => pair[0],
                2 => $"{pair[0]}={pair[1]}",
                _ => throw DriverException.InvalidArgument("invalid mount config for type \"tmpfs\": invalid tmpfs option " + string.Join("=", pair)),
            });
        }
        return string.Join(',', raw);
    }

    /// <summary>The options of one HostConfig.Tmpfs entry ("rw,size=64m"), checked as dockerd checks them.</summary>
    public static string FromTmpfsFlag(string destination, string options)
    {
        foreach (var option in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = option.IndexOf('=') is var eq and > 0 ? (option[..eq], option[(eq + 1)..]) : (option, "");
            if (key == "size" && !IsSize(value))
            {
                throw DriverException.InvalidArgument($"invalid tmpfs option [\"{option}\"] for {destination}");
            }
        }
        return options;
    }

    /// <summary>Docker's defaults, then <paramref name="options"/>: each flag overrides its opposite, each key=value its earlier value.</summary>
    public static IReadOnlyList<string> Merge(string options)
    {
        var merged = new List<string>(Defaults);
        foreach (var option in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = option.IndexOf('=');
            if (eq > 0)
            {
                var key = option[..(eq + 1)];
                merged.RemoveAll(o => o.StartsWith(key, StringComparison.Ordinal));
                merged.Add(option);
                continue;
            }
            var opposite = option.StartsWith("no", StringComparison.Ordinal) ? option[2..] : "no" + option;
            if (option is "ro" or "rw")
            {
                opposite = option == "ro" ? "rw" : "ro";
            }
            merged.RemoveAll(o => o == option || o == opposite);
            merged.Add(option);
        }
        return merged;
    }

    private static string SizeText(long bytes)
    {
        foreach (var (suffix, divisor) in new[] { ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10) })
        {
            if (bytes % divisor == 0)
            {
                return $"{bytes / divisor}{suffix}";
            }
        }
        return bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsSize(string value)
    {
        var digits = value.TrimEnd('k', 'K', 'm', 'M', 'g', 'G', '%');
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) && value.Length - digits.Length <= 1;
    }
}
