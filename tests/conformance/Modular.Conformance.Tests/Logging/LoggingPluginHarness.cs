using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Sdk.Logging;
using Modular.Sdk.Network;

namespace Modular.Conformance.Tests.Logging;

/// <summary>
/// Loads the published logging and network driver plugins the way modulard does: each plugin folder through
/// <see cref="IsolatedPluginLoader"/> into one <see cref="DriverCatalog"/>, so the tests exercise the shipped
/// assemblies across the plugin boundary rather than a compile-time reference.
/// </summary>
internal static class LoggingPluginHarness
{
    private static readonly Lazy<DriverCatalog> Catalog = new(CreateCatalog);
    private static readonly HashSet<string> LoadedPlugins = new(StringComparer.Ordinal);

    public static ILoggingDriver Logging(string plugin, string driver) => Load(plugin).Logging(driver);

    public static INetworkDriver Network(string plugin, string driver) => Load(plugin).Network(driver);

    private static DriverCatalog Load(string plugin)
    {
        var catalog = Catalog.Value;
        lock (LoadedPlugins)
        {
            if (LoadedPlugins.Add(plugin))
            {
                var assembly = Path.Combine(PluginsDirectory(), plugin, plugin + ".dll");
                if (!File.Exists(assembly))
                {
                    LoadedPlugins.Remove(plugin);
                    throw new InvalidOperationException(
                        $"plugin {plugin} is not published at {assembly}; run ./setup.sh --build-only (or dotnet publish its project -c Release -o artifacts/bin/plugins/{plugin})");
                }
                catalog.RegisterModule(plugin, new IsolatedPluginLoader().LoadModule(assembly));
            }
        }
        return catalog;
    }

    private static DriverCatalog CreateCatalog()
    {
        var root = Directory.CreateTempSubdirectory("modular-logconf-catalog-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return new DriverCatalog(Path.Combine(root, "data"), Path.Combine(root, "exec"), NullLoggerFactory.Instance);
    }

    private static string PluginsDirectory()
    {
        if (Environment.GetEnvironmentVariable("MODULAR_PLUGINS_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Modular.sln")))
            {
                return Path.Combine(folder.FullName, "artifacts", "bin", "plugins");
            }
        }
        throw new InvalidOperationException(
            $"cannot find Modular.sln above {AppContext.BaseDirectory}; set MODULAR_PLUGINS_DIR or run ./setup.sh --build-only");
    }
}
