using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Kernel.Tests.Containers;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>A throwaway daemon layout: plugin search folders, a data-root and an exec-root, with a catalog over them.</summary>
internal sealed class PluginWorkspace : IDisposable
{
    private readonly TempFolder _folder = new("plugins");
    private readonly List<DriverCatalog> _earlier = [];

    public PluginWorkspace()
    {
        SearchFolder = Directory.CreateDirectory(_folder.Combine("search")).FullName;
        DataRoot = _folder.Combine("data");
        ExecRoot = _folder.Combine("exec");
        Catalog = new DriverCatalog(DataRoot, ExecRoot, NullLoggerFactory.Instance);
        Plugins = new PluginDirectory(new IsolatedPluginLoader(), Catalog, NullLogger<PluginDirectory>.Instance);
    }

    public string SearchFolder { get; }

    public string DataRoot { get; }

    public string ExecRoot { get; }

    public DriverCatalog Catalog { get; private set; }

    public PluginDirectory Plugins { get; private set; }

    /// <summary>A fresh catalog and plugin directory over the same folders, as a daemon restart makes.</summary>
    public void ResetCatalog()
    {
        _earlier.Add(Catalog);
        Catalog = new DriverCatalog(DataRoot, ExecRoot, NullLoggerFactory.Instance);
        Plugins = new PluginDirectory(new IsolatedPluginLoader(), Catalog, NullLogger<PluginDirectory>.Instance);
    }

    /// <summary>A second search folder, like the installed-plugins folder under data-root beside the built-in one.</summary>
    public string NewSearchFolder(string name) => Directory.CreateDirectory(_folder.Combine(name)).FullName;

    /// <summary>Creates <c>&lt;search&gt;/&lt;name&gt;/&lt;name&gt;.dll</c> holding <paramref name="content"/>.</summary>
    public string WritePluginDll(string name, byte[] content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(SearchFolder, name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, name + ".dll"), content);
        return folder;
    }

    public void Dispose()
    {
        foreach (var driver in _earlier.Append(Catalog).SelectMany(c => c.Created).OfType<IDisposable>())
        {
            driver.Dispose();
        }
        _folder.Dispose();
    }
}
