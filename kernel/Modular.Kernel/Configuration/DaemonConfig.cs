namespace Modular.Kernel.Configuration;

/// <summary>The daemon's settings after daemon.json and flags were merged and validated.</summary>
public sealed record DaemonConfig
{
    public const string DefaultSocket = "unix:///run/modular.sock";

    public IReadOnlyList<string> Hosts { get; init; } = [DefaultSocket];
    public string DataRoot { get; init; } = "/var/lib/modular";
    public string ExecRoot { get; init; } = "/run/modular";
    public string? PidFile { get; init; }
    public string? StorageDriver { get; init; }
    public IReadOnlyList<string> StorageOpts { get; init; } = [];
    public string LogDriver { get; init; } = "json-file";
    public IReadOnlyDictionary<string, string> LogOpts { get; init; } = new Dictionary<string, string>();
    public string LogLevel { get; init; } = "info";
    public bool Debug { get; init; }
    public string DefaultRuntime { get; init; } = "runc";
    public IReadOnlyDictionary<string, RuntimeConfig> Runtimes { get; init; } = new Dictionary<string, RuntimeConfig>();
    public IReadOnlyList<string> RegistryMirrors { get; init; } = [];
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public int MaxConcurrentDownloads { get; init; } = 3;
    public int MaxConcurrentUploads { get; init; } = 5;
    public int MaxDownloadAttempts { get; init; } = 5;
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? Bip { get; init; }
    /// <summary>The default bridge network's interface name (Docker's <c>bridge</c>/<c>-b</c>); modular0 when unset.</summary>
    public string? Bridge { get; init; }
    public bool LiveRestore { get; init; } = true;
    /// <summary>daemon.json's <c>default-address-pools</c>; empty means Docker's built-in pools.</summary>
    public IReadOnlyList<DefaultAddressPool> DefaultAddressPools { get; init; } = [];
    /// <summary>Only <c>false</c> is honoured (ports are DNAT rules, never proxied); <c>true</c> is refused at start.</summary>
    public bool? UserlandProxy { get; init; }
    /// <summary>Only <c>nftables</c> is honoured; <c>iptables</c> is refused at start.</summary>
    public string? FirewallBackend { get; init; }
    public string? Group { get; init; }

    /// <summary>Keys that were accepted (they are Docker's) but that this version does not act on yet; shown as warnings.</summary>
    public IReadOnlyList<string> InertKeys { get; init; } = [];

    /// <summary>The built-in runtimes plus those from daemon.json, by name.</summary>
    public IReadOnlyDictionary<string, RuntimeConfig> AllRuntimes
    {
        get
        {
            var all = new Dictionary<string, RuntimeConfig>(StringComparer.Ordinal)
            {
                ["runc"] = new RuntimeConfig("runc", []),
                ["crun"] = new RuntimeConfig("crun", []),
            };
            foreach (var (name, runtime) in Runtimes)
            {
                all[name] = runtime;
            }
            return all;
        }
    }
}

/// <summary>An OCI runtime binary the daemon can run containers with.</summary>
public sealed record RuntimeConfig(string Path, IReadOnlyList<string> RuntimeArgs);
