using System.Net;
using System.Text.Json;

namespace Modular.Kernel.Configuration;

/// <summary>
/// Merges daemon.json with command-line flags the way dockerd does: the same key names, a key given in both places is
/// an error, an unknown key is an error, and every value is checked before the daemon does anything.
/// </summary>
public static class DaemonConfigLoader
{
    public const string DefaultConfigFile = "/etc/modular/daemon.json";

    private enum ValueKind { String, Bool, StringList, StringMap, Runtimes, Any, Int, AddressPools }

    // Keys this version acts on.
    private static readonly Dictionary<string, ValueKind> Effective = new(StringComparer.Ordinal)
    {
        ["hosts"] = ValueKind.StringList,
        ["data-root"] = ValueKind.String,
        ["exec-root"] = ValueKind.String,
        ["pidfile"] = ValueKind.String,
        ["storage-driver"] = ValueKind.String,
        ["storage-opts"] = ValueKind.StringList,
        ["log-driver"] = ValueKind.String,
        ["log-opts"] = ValueKind.StringMap,
        ["log-level"] = ValueKind.String,
        ["debug"] = ValueKind.Bool,
        ["default-runtime"] = ValueKind.String,
        ["runtimes"] = ValueKind.Runtimes,
        ["registry-mirrors"] = ValueKind.StringList,
        ["insecure-registries"] = ValueKind.StringList,
        ["max-concurrent-downloads"] = ValueKind.Int,
        ["max-concurrent-uploads"] = ValueKind.Int,
        ["max-download-attempts"] = ValueKind.Int,
        ["labels"] = ValueKind.StringList,
        ["bip"] = ValueKind.String,
        ["bridge"] = ValueKind.String,
        ["live-restore"] = ValueKind.Bool,
        ["group"] = ValueKind.String,
        ["default-address-pools"] = ValueKind.AddressPools,
        ["userland-proxy"] = ValueKind.Bool,
        ["firewall-backend"] = ValueKind.String,
    };

    // Docker's other daemon.json keys: accepted so a Docker user's file keeps working, reported as not yet effective.
    private static readonly HashSet<string> Inert = new(StringComparer.Ordinal)
    {
        "allow-nondistributable-artifacts", "api-cors-header", "authorization-plugins", "bip6", "builder",
        "cdi-spec-dirs", "cgroup-parent", "containerd", "containerd-namespace", "containerd-plugin-namespace",
        "default-cgroupns-mode", "default-gateway", "default-gateway-v6", "default-ipc-mode",
        "default-network-opts", "default-shm-size", "default-ulimits", "dns", "dns-opts", "dns-search", "exec-opts",
        "experimental", "features", "fixed-cidr", "fixed-cidr-v6", "host-gateway-ip", "icc", "init",
        "init-path", "ip", "ip-forward", "ip-masq", "ip6tables", "iptables", "ipv6", "log-format", "min-api-version", "mtu", "no-new-privileges",
        "node-generic-resources", "oom-score-adjust", "raw-logs", "seccomp-profile", "selinux-enabled", "shutdown-timeout",
        "swarm-default-advertise-addr", "tls", "tlscacert", "tlscert", "tlskey", "tlsverify",
        "userland-proxy-path", "userns-remap",
    };

    private static readonly HashSet<string> LogLevels = new(StringComparer.Ordinal) { "debug", "info", "warn", "error", "fatal" };

    /// <summary>
    /// Loads <paramref name="configFile"/> (a missing default file is fine, a missing explicit one is not) and merges
    /// <paramref name="flags"/>, whose keys are daemon.json key names and whose values are string, bool or string lists.
    /// </summary>
    public static DaemonConfig Load(string? configFile, IReadOnlyDictionary<string, object> flags)
    {
        var path = configFile ?? DefaultConfigFile;
        var fromFile = ReadFile(path, mustExist: configFile is not null);
        var where = $"unable to configure the Modular daemon with file {path}";

        var unknown = fromFile.Keys.Where(k => !Effective.ContainsKey(k) && !Inert.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"{where}: the following directives don't match any configuration option: {string.Join(", ", unknown)}");
        }

        var both = flags.Keys.Where(fromFile.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (both.Count > 0)
        {
            var detail = string.Join(", ", both.Select(k => $"{k}: (from flag: {Show(flags[k])}, from file: {fromFile[k].GetRawText()})"));
            throw new ConfigurationException($"{where}: the following directives are specified both as a flag and in the configuration file: {detail}");
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, element) in fromFile)
        {
            values[key] = Inert.Contains(key) ? element : Convert(key, element, Effective[key], where);
        }
        foreach (var (key, value) in flags)
        {
            values[key] = value;
        }

        return Build(values, fromFile.Keys.Where(Inert.Contains).Order(StringComparer.Ordinal).ToList());
    }

    private static Dictionary<string, JsonElement> ReadFile(string path, bool mustExist)
    {
        if (!File.Exists(path))
        {
            if (mustExist)
            {
                throw new ConfigurationException($"unable to configure the Modular daemon with file {path}: open {path}: no such file or directory");
            }
            return new Dictionary<string, JsonElement>();
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"unable to configure the Modular daemon with file {path}: the file must hold a JSON object");
            }
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"unable to configure the Modular daemon with file {path}: {e.Message}");
        }
    }

    private static object Convert(string key, JsonElement element, ValueKind kind, string where)
    {
        ConfigurationException Bad(string expected) =>
            new($"{where}: invalid value for \"{key}\": expected {expected}, got {element.GetRawText()}");

        switch (kind)
        {
            case ValueKind.String:
                return element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Bad("a string");
            case ValueKind.Bool:
                return element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : throw Bad("true or false");
            case ValueKind.StringList:
                if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    throw Bad("an array of strings");
                }
                return element.EnumerateArray().Select(e => e.GetString()!).ToList();
            case ValueKind.StringMap:
                if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                {
                    throw Bad("an object of string values");
                }
                return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            case ValueKind.Runtimes:
                return ConvertRuntimes(element, where);
            case ValueKind.AddressPools:
                return NetworkConfigValidation.ParsePools(element, where);
            case ValueKind.Int:
                return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) ? number : throw Bad("an integer");
            default:
                return element;
        }
    }

    private static Dictionary<string, RuntimeConfig> ConvertRuntimes(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationException($"{where}: invalid value for \"runtimes\": expected an object of runtimes");
        }
        var runtimes = new Dictionary<string, RuntimeConfig>(StringComparer.Ordinal);
        foreach (var runtime in element.EnumerateObject())
        {
            string? path = null;
            var args = new List<string>();
            if (runtime.Value.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"{where}: invalid value for \"runtimes.{runtime.Name}\": expected an object with \"path\"");
            }
            foreach (var field in runtime.Value.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "path" when field.Value.ValueKind == JsonValueKind.String:
                        path = field.Value.GetString();
                        break;
                    case "runtimeArgs" when field.Value.ValueKind == JsonValueKind.Array:
                        args.AddRange(field.Value.EnumerateArray().Select(a => a.GetString() ?? ""));
                        break;
                    default:
                        throw new ConfigurationException($"{where}: invalid value for \"runtimes.{runtime.Name}.{field.Name}\"");
                }
            }
            if (string.IsNullOrEmpty(path))
            {
                throw new ConfigurationException($"{where}: runtime \"{runtime.Name}\" needs a \"path\"");
            }
            runtimes[runtime.Name] = new RuntimeConfig(path, args);
        }
        return runtimes;
    }

    private static DaemonConfig Build(Dictionary<string, object> values, IReadOnlyList<string> inertKeys)
    {
        T Get<T>(string key, T fallback) => values.TryGetValue(key, out var v) && v is T t ? t : fallback;

        var config = new DaemonConfig
        {
            Hosts = Get<List<string>>("hosts", [DaemonConfig.DefaultSocket]),
            DataRoot = Get("data-root", "/var/lib/modular"),
            ExecRoot = Get("exec-root", "/run/modular"),
            PidFile = Get<string?>("pidfile", null),
            StorageDriver = Get<string?>("storage-driver", null),
            StorageOpts = Get<List<string>>("storage-opts", []),
            LogDriver = Get("log-driver", "json-file"),
            LogOpts = Get<Dictionary<string, string>>("log-opts", new()),
            LogLevel = Get("log-level", "info"),
            Debug = Get("debug", false),
            DefaultRuntime = Get("default-runtime", "runc"),
            Runtimes = Get<Dictionary<string, RuntimeConfig>>("runtimes", new()),
            RegistryMirrors = Get<List<string>>("registry-mirrors", []),
            InsecureRegistries = Get<List<string>>("insecure-registries", []),
            MaxConcurrentDownloads = Get("max-concurrent-downloads", 3),
            MaxConcurrentUploads = Get("max-concurrent-uploads", 5),
            MaxDownloadAttempts = Get("max-download-attempts", 5),
            Labels = Get<List<string>>("labels", []),
            Bip = Get<string?>("bip", null),
            Bridge = Get<string?>("bridge", null),
            LiveRestore = Get("live-restore", true),
            Group = Get<string?>("group", null),
            DefaultAddressPools = Get<List<DefaultAddressPool>>("default-address-pools", []),
            UserlandProxy = values.TryGetValue("userland-proxy", out var proxy) && proxy is bool enabled ? enabled : null,
            FirewallBackend = Get<string?>("firewall-backend", null),
            InertKeys = inertKeys,
        };
        Validate(config);
        return config;
    }

    private static void Validate(DaemonConfig config)
    {
        if (config.Hosts.Count == 0)
        {
            throw new ConfigurationException("hosts: at least one unix:// socket is needed");
        }
        foreach (var host in config.Hosts)
        {
            var unix = host.StartsWith("unix://", StringComparison.Ordinal) && host.Length > "unix://".Length;
            if (!unix && host != SystemdSockets.Host)
            {
                throw new ConfigurationException($"hosts: \"{host}\" is not supported: only unix:///path sockets and fd:// (systemd socket activation) are (tcp:// needs TLS, which this version does not serve)");
            }
        }
        foreach (var (key, value) in new[] { ("data-root", config.DataRoot), ("exec-root", config.ExecRoot) })
        {
            if (!Path.IsPathRooted(value))
            {
                throw new ConfigurationException($"{key}: \"{value}\" must be an absolute path");
            }
        }
        if (!LogLevels.Contains(config.LogLevel))
        {
            throw new ConfigurationException($"log-level: unable to parse logging level: {config.LogLevel}");
        }
        if (!config.AllRuntimes.ContainsKey(config.DefaultRuntime))
        {
            throw new ConfigurationException($"default-runtime: no runtime named \"{config.DefaultRuntime}\" is configured");
        }
        foreach (var option in config.StorageOpts)
        {
            if (!option.Contains('=', StringComparison.Ordinal))
            {
                throw new ConfigurationException($"storage-opts: \"{option}\" is not of the form key=value");
            }
        }
        if (config.Bip is { } bip && !IsCidr(bip))
        {
            throw new ConfigurationException($"bip: \"{bip}\" is not an address in CIDR notation");
        }
        RegistryConfigValidation.Validate(config);
        NetworkConfigValidation.Validate(config);
        foreach (var label in config.Labels)
        {
            if (!label.Contains('=', StringComparison.Ordinal))
            {
                throw new ConfigurationException($"labels: \"{label}\" is not of the form key=value");
            }
        }
    }

    private static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IPAddress.TryParse(value[..slash], out _) && int.TryParse(value[(slash + 1)..], out var bits) && bits is >= 0 and <= 32;
    }

    private static string Show(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IEnumerable<string> list when value is not string => $"[{string.Join(" ", list)}]",
        IDictionary<string, string> map => string.Join(",", map.Select(kv => $"{kv.Key}={kv.Value}")),
        _ => value.ToString() ?? "",
    };
}
