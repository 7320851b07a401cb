using System.CommandLine;

namespace Modular.Daemon;

/// <summary>
/// modulard's command line, with dockerd's flag names. Only flags the user actually gave are handed on, keyed by their
/// daemon.json name, so the loader can refuse a setting given in both places.
/// </summary>
internal static class DaemonFlags
{
    public static RootCommand Create(Func<string?, Dictionary<string, object>, int> run)
    {
        var root = new RootCommand("modulard: the Modular container engine daemon (Docker Engine API on a unix socket)");
        var configFile = new Option<string?>("--config-file") { Description = "Daemon configuration file (default /etc/modular/daemon.json)" };
        var hosts = new Option<string[]>("--host", "-H") { Description = "Daemon socket(s) to listen on (unix:///path)", AllowMultipleArgumentsPerToken = false };
        var dataRoot = new Option<string>("--data-root") { Description = "Root directory of persistent state" };
        var execRoot = new Option<string>("--exec-root") { Description = "Root directory of execution state" };
        var pidFile = new Option<string>("--pidfile", "-p") { Description = "Path to use for the daemon PID file" };
        var storageDriver = new Option<string>("--storage-driver", "-s") { Description = "Storage driver to use" };
        var storageOpts = new Option<string[]>("--storage-opt") { Description = "Storage driver options (key=value)" };
        var logDriver = new Option<string>("--log-driver") { Description = "Default driver for container logs" };
        var logOpts = new Option<string[]>("--log-opt") { Description = "Default log driver options for containers (key=value)" };
        var logLevel = new Option<string>("--log-level", "-l") { Description = "Logging level (debug, info, warn, error, fatal)" };
        var debug = new Option<bool>("--debug", "-D") { Description = "Enable debug mode" };
        var defaultRuntime = new Option<string>("--default-runtime") { Description = "Default OCI runtime for containers" };
        var registryMirrors = new Option<string[]>("--registry-mirror") { Description = "Preferred registry mirror" };
        var insecureRegistries = new Option<string[]>("--insecure-registry") { Description = "Enable insecure registry communication" };
        var labels = new Option<string[]>("--label") { Description = "Set key=value labels to the daemon" };
        var bip = new Option<string>("--bip") { Description = "Network bridge IP (CIDR)" };
        var bridge = new Option<string>("--bridge", "-b") { Description = "Name of the default network's bridge interface" };
        var liveRestore = new Option<bool>("--live-restore") { Description = "Keep containers running when the daemon stops" };
        var group = new Option<string>("--group", "-G") { Description = "Group for the unix socket" };
        var userlandProxy = new Option<bool>("--userland-proxy") { Description = "Use userland proxy for loopback traffic (default false)" };
        var firewallBackend = new Option<string>("--firewall-backend") { Description = "Firewall backend to use, iptables or nftables (default nftables)" };

        Option[] all = [configFile, hosts, dataRoot, execRoot, pidFile, storageDriver, storageOpts, logDriver, logOpts, logLevel, debug,
            defaultRuntime, registryMirrors, insecureRegistries, labels, bip, bridge, liveRestore, group,
            userlandProxy, firewallBackend];
        foreach (var option in all)
        {
            root.Options.Add(option);
        }

        root.SetAction(result =>
        {
            var flags = new Dictionary<string, object>(StringComparer.Ordinal);
            void Take<T>(Option<T> option, string key, Func<T, object> convert)
            {
                var found = result.GetResult(option);
                if (found is not null && !found.Implicit)
                {
                    flags[key] = convert(result.GetValue(option)!);
                }
            }

            Take(hosts, "hosts", v => v.ToList());
            Take(dataRoot, "data-root", v => v);
            Take(execRoot, "exec-root", v => v);
            Take(pidFile, "pidfile", v => v);
            Take(storageDriver, "storage-driver", v => v);
            Take(storageOpts, "storage-opts", v => v.ToList());
            Take(logDriver, "log-driver", v => v);
            Take(logOpts, "log-opts", v => KeyValues("--log-opt", v));
            Take(logLevel, "log-level", v => v);
            Take(debug, "debug", v => v);
            Take(defaultRuntime, "default-runtime", v => v);
            Take(registryMirrors, "registry-mirrors", v => v.ToList());
            Take(insecureRegistries, "insecure-registries", v => v.ToList());
            Take(labels, "labels", v => v.ToList());
            Take(bip, "bip", v => v);
            Take(bridge, "bridge", v => v);
            Take(liveRestore, "live-restore", v => v);
            Take(group, "group", v => v);
            Take(userlandProxy, "userland-proxy", v => v);
            Take(firewallBackend, "firewall-backend", v => v);
            return run(result.GetValue(configFile), flags);
        });
        return root;
    }

    private static Dictionary<string, string> KeyValues(string flag, IEnumerable<string> values) =>
        values.Select(v => v.Split('=', 2)).ToDictionary(
            p => p[0],
            p => p.Length == 2 ? p[1] : throw new Kernel.Configuration.ConfigurationException($"{flag}: \"{p[0]}\" is not of the form key=value"),
            StringComparer.Ordinal);
}
