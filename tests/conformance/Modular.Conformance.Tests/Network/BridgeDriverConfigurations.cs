using Modular.Kernel.Plugins;
using Modular.Sdk.Network;

namespace Modular.Conformance.Tests.Network;

/// <summary>
/// The published bridge plugin under a daemon configuration other than the default: a catalog of its own per
/// configuration, whose driver options are what modulard hands the bridge driver for daemon.json's
/// <c>userland-proxy</c> and <c>firewall-backend</c>.
/// </summary>
internal static class BridgeDriverConfigurations
{
    private static readonly Dictionary<(bool, string), DriverCatalog> Catalogs = [];

    /// <summary>The driver of this configuration, one instance per test run as in a daemon.</summary>
    public static INetworkDriver Create(bool userlandProxy, string firewallBackend)
    {
        lock (Catalogs)
        {
            if (!Catalogs.TryGetValue((userlandProxy, firewallBackend), out var catalog))
            {
                catalog = NewCatalog(userlandProxy, firewallBackend);
                Catalogs[(userlandProxy, firewallBackend)] = catalog;
            }
            return catalog.Network("bridge");
        }
    }

    /// <summary>A driver instance of its own, as the next daemon to start would get.</summary>
    public static INetworkDriver CreateFresh(bool userlandProxy, string firewallBackend) => NewCatalog(userlandProxy, firewallBackend).Network("bridge");

    private static DriverCatalog NewCatalog(bool userlandProxy, string firewallBackend)
    {
        var root = Directory.CreateTempSubdirectory("modular-bridgeconf-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        var catalog = PluginHarness.Catalog("Modular.Network.Bridge", Path.Combine(root, "data"), Path.Combine(root, "exec"));
        catalog.DriverOptions["bridge"] = new Dictionary<string, string>
        {
            ["userland-proxy"] = userlandProxy ? "true" : "false",
            ["firewall-backend"] = firewallBackend,
        };
        return catalog;
    }
}
