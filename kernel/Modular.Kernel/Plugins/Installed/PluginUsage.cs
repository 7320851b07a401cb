using Modular.Kernel.Configuration;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// Whether a plugin's drivers are in use: selected in daemon.json, or used by an existing container (its log driver)
/// or network (its driver). Removing or disabling such a plugin would leave the daemon unable to start or to serve them.
/// </summary>
public sealed class PluginUsage(DaemonConfig config, ContainerService containers, NetworkStore networks)
{
    /// <summary>Throws Conflict naming the first user of any of <paramref name="drivers"/> ("kind/name").</summary>
    public void RefuseIfInUse(InstalledPlugin plugin, IEnumerable<string> drivers, string action)
    {
        foreach (var driver in drivers.Distinct(StringComparer.Ordinal))
        {
            if (UserOf(driver) is { } user)
            {
                throw DriverException.Conflict($"plugin \"{plugin.Id}\" cannot be {action}: its {driver.Replace('/', ' ')} driver is in use by {user}");
            }
        }
    }

    private string? UserOf(string driver)
    {
        var (kind, name) = (driver.Split('/', 2)[0], driver.Split('/', 2)[^1]);
        switch (kind)
        {
            case "logging":
                if (config.LogDriver == name)
                {
                    return "the daemon's log-driver setting";
                }
                var container = containers.Store.All.FirstOrDefault(c => c.HostConfig.LogConfig.Type == name);
                return container is null ? null : $"container {container.Name.TrimStart('/')}";
            case "storage":
                return config.StorageDriver == name ? "the daemon's storage-driver" : null;
            case "network":
                var network = networks.All.FirstOrDefault(n => n.Driver == name);
                return network is null ? null : $"network {network.Name}";
            default:
                return null;
        }
    }
}
