using System.Text.Json;
using Modular.Api.Models;

namespace Modular.Cli.Commands;

/// <summary>Maps the healthcheck and security/limit flags into the create request the way docker/cli's opts.go parse() does,
/// with its client-side error messages (exit 125).</summary>
internal static class SecurityHealthRequest
{
    private static readonly HashSet<string> UlimitNames =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    private static readonly HashSet<string> NamespacedSysctls =
        ["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"];

    public static void Apply(SecurityHealthSettings settings, ContainerCreateRequest request, Func<string, string> readFile)
    {
        var host = request.HostConfig!;
        request.Healthcheck = BuildHealthcheck(settings);
        host.Privileged = settings.Privileged;
        (host.CapAdd, host.CapDrop) = EffectiveCapabilities(settings.CapAdd, settings.CapDrop);
        host.Init = settings.Init;
        // docker always sends a device list, empty without --device.
        host.Devices = [.. settings.Devices.Select(ParseDevice)];
        host.Ulimits = ParseUlimits(settings.Ulimits);
        host.Sysctls = ParseSysctls(settings.Sysctls);
        host.GroupAdd = settings.GroupAdd.Count > 0 ? [.. settings.GroupAdd] : null;
        host.OomKillDisable = settings.OomKillDisable;

        var securityOpt = ParseSecurityOpts(settings.SecurityOpt, readFile);
        // "systempaths=unconfined" is a client-side switch: it empties the masked/read-only path lists instead of being sent.
        if (securityOpt.Remove("systempaths=unconfined"))
        {
            while (securityOpt.Remove("systempaths=unconfined")) { }
            host.MaskedPaths = [];
            host.ReadonlyPaths = [];
        }
        // docker filters in place: any --security-opt given means a list is sent, even one left empty.
        host.SecurityOpt = settings.SecurityOpt.Count > 0 ? securityOpt : null;
    }

    /// <summary>docker's EffectiveCapAddCapDrop: names upper-cased with CAP_, "ALL" trumps the rest of its list, an added
    /// capability is not also dropped, "RESET" ignored, both lists deduplicated and sorted.</summary>
    internal static (List<string>? Add, List<string>? Drop) EffectiveCapabilities(IReadOnlyList<string> add, IReadOnlyList<string> drop)
    {
        static HashSet<string> Normalize(IReadOnlyList<string> names)
        {
            var result = names.Select(name => name.Trim().ToUpperInvariant())
                .Select(name => name is "ALL" or "RESET" || name.StartsWith("CAP_", StringComparison.Ordinal) ? name : "CAP_" + name)
                .ToHashSet(StringComparer.Ordinal);
            return result.Contains("ALL") ? ["ALL"] : result;
        }
        var adds = Normalize(add);
        var drops = Normalize(drop);
        var capAdd = adds.Where(c => c != "RESET").Order(StringComparer.Ordinal).ToList();
        var capDrop = drops.Where(c => c != "RESET" && !adds.Contains(c)).Order(StringComparer.Ordinal).ToList();
        return (capAdd.Count > 0 ? capAdd : null, capDrop.Count > 0 ? capDrop : null);
    }

    private static HealthConfig? BuildHealthcheck(SecurityHealthSettings settings)
    {
        var interval = Duration(settings.HealthInterval, "--health-interval");
        var timeout = Duration(settings.HealthTimeout, "--health-timeout");
        var startPeriod = Duration(settings.HealthStartPeriod, "--health-start-period");
        var startInterval = Duration(settings.HealthStartInterval, "--health-start-interval");
        var retries = Retries(settings.HealthRetries);
        var haveHealthSettings = !string.IsNullOrEmpty(settings.HealthCmd) || interval != 0 || timeout != 0 || startPeriod != 0 || retries != 0 || startInterval != 0;

        if (settings.NoHealthcheck)
        {
            if (haveHealthSettings)
                throw Fail("--no-healthcheck conflicts with --health-* options");
            return new HealthConfig { Test = ["NONE"] };
        }
        if (!haveHealthSettings)
            return null;

        if (interval < 0) throw Fail("--health-interval cannot be negative");
        if (timeout < 0) throw Fail("--health-timeout cannot be negative");
        if (retries < 0) throw Fail("--health-retries cannot be negative");
        if (startPeriod < 0) throw Fail("--health-start-period cannot be negative");
        if (startInterval < 0) throw Fail("--health-start-interval cannot be negative");

        return new HealthConfig
        {
            Test = string.IsNullOrEmpty(settings.HealthCmd) ? null : ["CMD-SHELL", settings.HealthCmd],
            Interval = interval,
            Timeout = timeout,
            StartPeriod = startPeriod,
            StartInterval = startInterval,
            Retries = retries,
        };
    }

    private static long Duration(string? value, string flag)
    {
        if (value is null)
            return 0;
        try
        {
            return GoDuration.ParseNanoseconds(value);
        }
        catch (FormatException error)
        {
            throw Fail($"invalid argument \"{value}\" for \"{flag}\" flag: {error.Message}");
        }
    }

    private static int Retries(string? value)
    {
        if (value is null)
            return 0;
        if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var retries))
            throw Fail($"invalid argument \"{value}\" for \"--health-retries\" flag: strconv.ParseInt: parsing \"{value}\": " +
                (value.Length > 0 && value.TrimStart('-', '+').All(char.IsAsciiDigit) && value.TrimStart('-', '+').Length > 0 ? "value out of range" : "invalid syntax"));
        return retries;
    }

    /// <summary>docker's parseSecurityOpts: key=value (or key:value); a seccomp profile file is sent inline as compacted JSON.</summary>
    private static List<string> ParseSecurityOpts(IReadOnlyList<string> options, Func<string, string> readFile)
    {
        var result = new List<string>();
        foreach (var option in options)
        {
            var separator = option.IndexOf('=');
            var key = separator < 0 ? option : option[..separator];
            if (separator < 0 && key != "no-new-privileges")
            {
                separator = option.IndexOf(':');
                key = separator < 0 ? option : option[..separator];
            }
            var value = separator < 0 ? "" : option[(separator + 1)..];
            if ((separator < 0 || value.Length == 0) && key != "no-new-privileges")
                throw Fail($"Invalid --security-opt: {GoQuote(option)}");

            if (key == "seccomp" && value is not ("builtin" or "unconfined"))
            {
                string content;
                try
                {
                    content = readFile(value);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    throw Fail($"opening seccomp profile ({value}) failed: open {value}: " +
                        (error is FileNotFoundException or DirectoryNotFoundException ? "no such file or directory" : error.Message));
                }
                result.Add("seccomp=" + CompactJson(value, content));
                continue;
            }
            result.Add(option);
        }
        return result;
    }

    private static string CompactJson(string file, string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                document.WriteTo(writer);
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException error)
        {
            throw Fail($"compacting json for seccomp profile ({file}) failed: {error.Message}");
        }
    }

    /// <summary>docker's validateDevice and parseLinuxDevice: SRC[:DST][:PERMISSIONS], DST absolute, permissions from rwm.</summary>
    internal static DeviceMapping ParseDevice(string device)
    {
        // docker 28 validates devices while building the request, not as flag values: the bare reason is the message.
        Exception Invalid(string reason) => Fail(reason);

        if (device.Count(c => c == ':') > 2)
            throw Invalid($"bad format for path: {device}");
        var parts = device.Split(':', 3);
        if (parts[0].Length == 0)
            throw Invalid($"bad format for path: {device}");

        var source = parts[0];
        var target = "";
        var permissions = "rwm";
        switch (parts.Length)
        {
            case 1:
                target = CleanPath(source);
                source = target;
                break;
            case 2 when ValidDeviceMode(parts[1]):
                permissions = parts[1];
                target = CleanPath(source);
                source = target;
                break;
            case 2:
                target = CleanPath(parts[1]);
                break;
            default:
                if (!ValidDeviceMode(parts[2]))
                    throw Invalid($"bad mode specified: {parts[2]}");
                target = parts[1];
                permissions = parts[2];
                break;
        }
        if (!target.StartsWith('/'))
            throw Invalid($"{target} is not an absolute path");
        return new DeviceMapping { PathOnHost = source, PathInContainer = target, CgroupPermissions = permissions };
    }

    private static bool ValidDeviceMode(string mode) =>
        mode.Length is > 0 and <= 3 && mode.All(c => c is 'r' or 'w' or 'm') && mode.Distinct().Count() == mode.Length;

    /// <summary>Go's path.Clean for the slash-separated paths the flags carry.</summary>
    internal static string CleanPath(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path.StartsWith('/');
        var stack = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
                continue;
            if (segment == ".." && stack.Count > 0 && stack[^1] != "..")
                stack.RemoveAt(stack.Count - 1);
            else if (segment == ".." && rooted)
                continue;
            else
                stack.Add(segment);
        }
        var joined = string.Join('/', stack);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>go-units ParseUlimit: name=soft[:hard]; a later flag for the same name replaces the earlier one. Like docker,
    /// the list is always sent, empty without --ulimit.</summary>
    private static List<Ulimit> ParseUlimits(IReadOnlyList<string> values)
    {
        var byName = new Dictionary<string, Ulimit>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            Exception Invalid(string reason) => Fail($"invalid argument \"{value}\" for \"--ulimit\" flag: {reason}");
            var eq = value.IndexOf('=');
            if (eq < 0)
                throw Invalid($"invalid ulimit argument: {value}");
            var name = value[..eq];
            if (!UlimitNames.Contains(name))
                throw Invalid($"invalid ulimit type: {name}");
            var limits = value[(eq + 1)..].Split(':');
            if (limits.Length > 2)
                throw Invalid($"too many limit value arguments - {value[(eq + 1)..]}, can only have up to two, `soft[:hard]`");
            var soft = ParseLimit(limits[0], Invalid);
            var hard = limits.Length == 2 ? ParseLimit(limits[1], Invalid) : soft;
            if (hard != -1 && soft > hard)
                throw Invalid($"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}");
            byName[name] = new Ulimit { Name = name, Soft = soft, Hard = hard };
        }
        return [.. byName.Values.OrderBy(u => u.Name, StringComparer.Ordinal)];
    }

    private static long ParseLimit(string text, Func<string, Exception> invalid)
    {
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            return limit;
        var digits = text.TrimStart('-', '+');
        throw invalid($"strconv.ParseInt: parsing {GoQuote(text)}: " + (digits.Length > 0 && digits.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax"));
    }

    /// <summary>docker's ValidateSysctl: IPC-namespaced kernel.* keys, net.* and fs.mqueue.* only.</summary>
    private static Dictionary<string, string>? ParseSysctls(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            var key = eq < 0 ? "" : value[..eq];
            if (key.Length == 0 || !(NamespacedSysctls.Contains(key) || key.StartsWith("net.", StringComparison.Ordinal) || key.StartsWith("fs.mqueue.", StringComparison.Ordinal)))
                throw Fail($"invalid argument \"{value}\" for \"--sysctl\" flag: sysctl '{value}' is not allowed");
            result[key] = value[(eq + 1)..];
        }
        return result;
    }

    private static string GoQuote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static CliStatusException Fail(string message) => new(CliErrors.DaemonError, message);
}
