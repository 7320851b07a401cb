using Microsoft.Extensions.Logging;

namespace Modular.Kernel.Plugins;

/// <summary>
/// Finds plugins on disk and loads each into the catalog. A plugin is a folder holding <c>&lt;folder name&gt;.dll</c>
/// and its deps.json; built-in drivers live in <c>plugins/</c> beside modulard, installed ones under data-root.
/// A plugin that fails to load is recorded as a warning; the daemon goes on with the rest.
/// </summary>
public sealed class PluginDirectory(IPluginLoader loader, DriverCatalog catalog, ILogger<PluginDirectory> logger)
{
    public void LoadAll(IEnumerable<string> searchFolders)
    {
        foreach (var folder in searchFolders.Where(Directory.Exists))
        {
            // Installed packages (a state file, a payload per version) are activated by InstalledPluginActivator through
            // TryLoad; dot-folders are an install in progress.
            foreach (var pluginFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal)
                         .Where(f => !Path.GetFileName(f).StartsWith('.') && !Installed.InstalledPluginStore.IsInstalledPluginFolder(f)))
            {
                Load(pluginFolder);
            }
        }
    }

    public void Load(string pluginFolder)
    {
        var name = Path.GetFileName(pluginFolder);
        if (!TryLoad(name, Path.Combine(pluginFolder, name + ".dll"), out var error))
        {
            var warning = $"plugin {name} failed to load: {error}";
            logger.LogWarning("{Warning}", warning);
            catalog.AddWarning(warning);
        }
    }

    /// <summary>Loads the plugin assembly at <paramref name="assembly"/> and registers its drivers under <paramref name="name"/>.</summary>
    /// <returns>False with the reason when the assembly is missing, is no driver module, or its Register throws.</returns>
    public bool TryLoad(string name, string assembly, out string? error)
    {
        try
        {
            if (!File.Exists(assembly))
            {
                throw new FileNotFoundException($"{assembly} not found");
            }
            catalog.RegisterModule(name, loader.LoadModule(assembly));
            logger.LogDebug("Loaded plugin {Plugin} from {Assembly}", name, assembly);
            error = null;
            return true;
        }
        catch (Exception e)
        {
            // A TargetInvocationException or type-load failure says more in its inner exception.
            error = (e.InnerException is { } inner && e is System.Reflection.TargetInvocationException ? inner : e).Message;
            return false;
        }
    }
}
