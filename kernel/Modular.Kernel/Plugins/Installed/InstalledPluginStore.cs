using Modular.Kernel.Persistence;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// The plugins installed under <c>&lt;data-root&gt;/plugins</c>: installing checks and extracts a package, every
/// change of state is written with <see cref="AtomicFile"/>, removal deletes the plugin's folder.
/// </summary>
public sealed class InstalledPluginStore
{
    public const string StateFileName = "plugin.json";
    private readonly object _gate = new();

    public InstalledPluginStore(string dataRoot)
    {
        Root = Path.Combine(dataRoot, "plugins");
    }

    public string Root { get; }

    public IReadOnlyList<InstalledPlugin> All
    {
        get
        {
            if (!Directory.Exists(Root))
            {
                return [];
            }
            return Directory.GetDirectories(Root)
                .Select(folder => AtomicFile.ReadJson<InstalledPlugin>(Path.Combine(folder, StateFileName)))
                .OfType<InstalledPlugin>()
                .OrderBy(p => p.Id, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>True for a folder under the plugins root that holds an installed package rather than a plain plugin folder.</summary>
    public static bool IsInstalledPluginFolder(string folder) => File.Exists(Path.Combine(folder, StateFileName));

    public InstalledPlugin Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Id, name, StringComparison.OrdinalIgnoreCase))
        ?? throw DriverException.NotFound($"plugin \"{name}\" is not installed");

    /// <summary>The folder the driver's assembly and private dependencies were extracted into.</summary>
    public string PayloadFolder(InstalledPlugin plugin) => Path.Combine(Root, plugin.Id, plugin.Version, "driver");

    /// <summary>Checks and extracts <paramref name="nupkg"/>; the plugin is enabled and loads at the daemon's next start.</summary>
    public InstalledPlugin Install(Stream nupkg)
    {
        var staging = Path.Combine(Root, $".install-{Guid.NewGuid():N}");
        try
        {
            var package = DriverPackage.Extract(nupkg, Path.Combine(staging, "driver"));
            PluginCompatibility.Check(Path.Combine(staging, "driver"), package.Assembly, package.SdkVersion);
            lock (_gate)
            {
                var existing = All.FirstOrDefault(p => string.Equals(p.Id, package.Id, StringComparison.OrdinalIgnoreCase));
                if (existing is not null)
                {
                    throw DriverException.Conflict($"plugin \"{existing.Id}\" is already installed (version {existing.Version}); remove it first with 'modular plugin rm {existing.Id}'");
                }
                var folder = Path.Combine(Root, package.Id);
                Directory.CreateDirectory(folder);
                Directory.Move(staging, Path.Combine(folder, package.Version));
                var plugin = new InstalledPlugin(package.Id, package.Version, package.Assembly, package.SdkVersion,
                    Enabled: true, Error: null, Drivers: [], InstalledAt: DateTimeOffset.UtcNow);
                Save(plugin);
                return plugin;
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    public InstalledPlugin SetEnabled(string name, bool enabled)
    {
        lock (_gate)
        {
            var plugin = Get(name) with { Enabled = enabled, Error = null };
            Save(plugin);
            return plugin;
        }
    }

    /// <summary>Records the outcome of loading at start: the drivers it registered, or why it was disabled.</summary>
    public void RecordLoad(InstalledPlugin plugin, IReadOnlyList<string> drivers, string? error)
    {
        lock (_gate)
        {
            Save(error is null ? plugin with { Drivers = drivers, Error = null } : plugin with { Enabled = false, Error = error });
        }
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            var plugin = Get(name);
            var folder = Path.Combine(Root, plugin.Id);
            // The state file goes first: a daemon killed half-way leaves a folder that is no longer an installed plugin.
            File.Delete(Path.Combine(folder, StateFileName));
            Directory.Delete(folder, recursive: true);
        }
    }

    private void Save(InstalledPlugin plugin) => AtomicFile.WriteJson(Path.Combine(Root, plugin.Id, StateFileName), plugin);
}
