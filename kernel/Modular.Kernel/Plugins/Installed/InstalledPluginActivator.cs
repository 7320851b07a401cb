using Microsoft.Extensions.Logging;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// Loads the enabled installed plugins at daemon start through the same <see cref="PluginDirectory"/> and catalog as the
/// built-in ones. A plugin that fails its checks or its load is disabled with the reason, which <c>plugin ls</c> and
/// <c>docker info</c> show; the daemon starts without it.
/// </summary>
public sealed class InstalledPluginActivator(InstalledPluginStore store, PluginDirectory plugins, DriverCatalog catalog, ILogger logger)
{
    private readonly HashSet<string> _active = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Plugins loaded by this daemon run; any other change (install, enable) takes effect at the next start.</summary>
    public bool IsActive(string id)
    {
        lock (_active)
        {
            return _active.Contains(id);
        }
    }

    public void ActivateAll()
    {
        foreach (var plugin in store.All)
        {
            if (!plugin.Enabled)
            {
                if (plugin.Error is { } reason)
                {
                    catalog.AddWarning($"WARNING: plugin {plugin.Id} is disabled: {reason}");
                }
                continue;
            }
            Activate(plugin);
        }
    }

    private void Activate(InstalledPlugin plugin)
    {
        var folder = store.PayloadFolder(plugin);
        string? error = null;
        try
        {
            PluginCompatibility.Check(folder, plugin.Assembly, plugin.SdkVersion);
        }
        catch (Exception e) when (e is DriverException or IOException or BadImageFormatException)
        {
            error = e.Message;
        }
        if (error is null && plugins.TryLoad(plugin.Id, Path.Combine(folder, plugin.Assembly + ".dll"), out error))
        {
            store.RecordLoad(plugin, catalog.DriversOf(plugin.Id), error: null);
            lock (_active)
            {
                _active.Add(plugin.Id);
            }
            logger.LogInformation("Loaded installed plugin {Plugin} {Version} ({Drivers})", plugin.Id, plugin.Version, string.Join(", ", catalog.DriversOf(plugin.Id)));
            return;
        }
        var warning = $"plugin {plugin.Id} failed to load and was disabled: {error}";
        logger.LogWarning("{Warning}", warning);
        // As dockerd words its warnings, which docker info prints verbatim.
        catalog.AddWarning("WARNING: " + warning);
        store.RecordLoad(plugin, [], error);
    }
}
