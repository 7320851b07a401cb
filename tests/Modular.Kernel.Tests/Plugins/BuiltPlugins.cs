using Xunit;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>
/// The driver plugins <c>./setup.sh --build-only</c> publishes into <c>artifacts/bin/plugins</c>. Tests copy them into
/// folders of their own because another process may be rebuilding or running from artifacts/bin at the same time.
/// </summary>
internal static class BuiltPlugins
{
    public const string Vfs = "Modular.Storage.Vfs";
    public const string NoneNetwork = "Modular.Network.None";
    public const string NoneLogging = "Modular.Logging.None";

    private static readonly Lazy<string> Folder = new(FindFolder);

    /// <summary>Copies the published plugin <paramref name="plugin"/> into <paramref name="searchFolder"/>, as <paramref name="asName"/> if given.</summary>
    public static string CopyInto(string searchFolder, string plugin, string? asName = null)
    {
        var source = Path.Combine(Folder.Value, plugin);
        Assert.True(File.Exists(Path.Combine(source, plugin + ".dll")),
            $"plugin {plugin} is not built in {Folder.Value}: run ./setup.sh --build-only from the repository root");
        var target = Path.Combine(searchFolder, asName ?? plugin);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            var name = Path.GetFileName(file);
            if (asName is not null && name.StartsWith(plugin + ".", StringComparison.Ordinal))
            {
                name = asName + name[plugin.Length..];
            }
            File.Copy(file, Path.Combine(target, name));
        }
        return target;
    }

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Modular.sln")))
            {
                var plugins = Path.Combine(folder.FullName, "artifacts", "bin", "plugins");
                Assert.True(Directory.Exists(plugins), $"{plugins} does not exist: run ./setup.sh --build-only from {folder.FullName}");
                return plugins;
            }
        }
        Assert.Fail($"no Modular.sln above {AppContext.BaseDirectory}, so the built plugins cannot be found");
        return "";
    }
}
