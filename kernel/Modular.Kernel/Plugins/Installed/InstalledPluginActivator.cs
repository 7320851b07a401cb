using Microsoft.Extensions.Logging;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// Loads the enabled installed plugins at daemon start through the same <see cref="PluginDirectory"/> and catalog as the
/// built-in ones, and a plugin installed or enabled while the daemon runs at once. A plugin that fails its checks or its
/// load is disabled with the reason, which <c>plugin ls</c> and <c>docker info</c> show; the daemon goes on without it.
/// Loaded plugins are never unloaded (a driver may hold mounts or sockets): disabling or removing one applies at the next start.
/// </summary>
public sealed class InstalledPluginActivator(InstalledPluginStore store, PluginDirectory plugins, DriverCatalog catalog, ILogger logger)
{
    private readonly HashSet<string> _active = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether this daemon run has loaded the plugin.</summary>
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

    /// <summary>Loads <paramref name="plugin"/> unless it is loaded already, and returns its recorded state.</summary>
    public InstalledPlugin Activate(InstalledPlugin plugin)
    {
        lock (_active)
        {
            if (!_active.Contains(plugin.Id))
            {
                ActivateLocked(plugin);
            }
        }
        return store.Get(plugin.Id);
    }

    private void ActivateLocked(InstalledPlugin plugin)
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
            _active.Add(plugin.Id);
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
