using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Conformance.Tests;

/// <summary>
/// Loads built-in driver plugins the way the daemon does: through <see cref="IsolatedPluginLoader"/> from
/// <c>artifacts/bin/plugins/&lt;Assembly&gt;/&lt;Assembly&gt;.dll</c>, registered into a <see cref="DriverCatalog"/>.
/// The plugins folder is <c>MODULAR_PLUGINS_DIR</c> when set, else <c>artifacts/bin/plugins</c> beside Modular.sln.
/// </summary>
public static class PluginHarness
{
    private static readonly Dictionary<string, IDriverModule> Modules = new(StringComparer.Ordinal);

    /// <summary>The folder plugins are loaded from.</summary>
    public static string PluginsFolder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("MODULAR_PLUGINS_DIR");
            if (!string.IsNullOrEmpty(configured))
            {
                return Path.GetFullPath(configured);
            }
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Join(folder.FullName, "Modular.sln")))
                {
                    return Path.Join(folder.FullName, "artifacts", "bin", "plugins");
                }
            }
            throw new InvalidOperationException(
                $"cannot find Modular.sln above {AppContext.BaseDirectory}; set MODULAR_PLUGINS_DIR to the plugins folder");
        }
    }

    /// <summary>Creates a catalog over <paramref name="dataRoot"/> and <paramref name="execRoot"/> holding the plugin's drivers.</summary>
    public static DriverCatalog Catalog(string assemblyName, string dataRoot, string execRoot)
    {
        var catalog = new DriverCatalog(dataRoot, execRoot, NullLoggerFactory.Instance);
        catalog.RegisterModule(assemblyName, Module(assemblyName));
        return catalog;
    }

    /// <summary>Creates storage driver <paramref name="driverName"/> from plugin <paramref name="assemblyName"/>.</summary>
    public static IStorageDriver StorageDriver(string assemblyName, string driverName, string dataRoot, string execRoot) =>
        Catalog(assemblyName, dataRoot, execRoot).Storage(driverName);

    // One load per plugin per test run, as in the daemon; each test still gets its own catalog and driver instance.
    private static IDriverModule Module(string assemblyName)
    {
        lock (Modules)
        {
            if (!Modules.TryGetValue(assemblyName, out var module))
            {
                var assembly = Path.Join(PluginsFolder, assemblyName, assemblyName + ".dll");
                if (!File.Exists(assembly))
                {
                    throw new FileNotFoundException(
                        $"plugin {assemblyName} is not built: {assembly} is missing. Run ./setup.sh --build-only " +
                        $"(or dotnet publish <its project> -c Release -o artifacts/bin/plugins/{assemblyName}).", assembly);
                }
                module = new IsolatedPluginLoader().LoadModule(assembly);
                Modules[assemblyName] = module;
            }
            return module;
        }
    }
}
