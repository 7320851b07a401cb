using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Sdk;

namespace Modular.Verify;

/// <summary>
/// The driver under verification: its module, loaded once through the daemon's loader, and its name. Each test gets
/// its own catalog over its own folders, so tests never share a driver instance or its state.
/// </summary>
internal static class VerifyTarget
{
    private static IDriverModule? _module;

    public static string PluginName { get; private set; } = "";

    public static string DriverName { get; private set; } = "";

    public static void Set(string pluginName, IDriverModule module, string driverName)
    {
        PluginName = pluginName;
        _module = module;
        DriverName = driverName;
    }

    public static DriverCatalog Catalog(string dataRoot, string execRoot)
    {
        var catalog = new DriverCatalog(dataRoot, execRoot, NullLoggerFactory.Instance);
        catalog.RegisterModule(PluginName, _module ?? throw new InvalidOperationException("no driver selected for verification"));
        return catalog;
    }
}
