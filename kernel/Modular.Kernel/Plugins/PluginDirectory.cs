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
            foreach (var pluginFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
            {
                Load(pluginFolder);
            }
        }
    }

    public void Load(string pluginFolder)
    {
        var name = Path.GetFileName(pluginFolder);
        var assembly = Path.Combine(pluginFolder, name + ".dll");
        try
        {
            if (!File.Exists(assembly))
            {
                throw new FileNotFoundException($"{assembly} not found");
            }
            catalog.RegisterModule(name, loader.LoadModule(assembly));
            logger.LogDebug("Loaded plugin {Plugin} from {Folder}", name, pluginFolder);
        }
        catch (Exception e)
        {
            var warning = $"plugin {name} failed to load: {e.Message}";
            logger.LogWarning("{Warning}", warning);
            catalog.AddWarning(warning);
        }
    }
}
