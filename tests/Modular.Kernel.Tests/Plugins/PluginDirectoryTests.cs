using System.Runtime.Loader;
using Modular.Kernel.Plugins;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Storage.Vfs;
using Xunit;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>Loads the published driver plugins from disk the way modulard does at start-up.</summary>
public sealed class PluginDirectoryTests : IDisposable
{
    private readonly PluginWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private DriverCatalog Catalog => _workspace.Catalog;

    private void LoadSearchFolder() => _workspace.Plugins.LoadAll([_workspace.SearchFolder]);

    [Fact]
    public void A_published_plugin_registers_its_driver_and_the_driver_works()
    {
        var copy = BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);

        LoadSearchFolder();

        Assert.Empty(Catalog.Warnings);
        Assert.Equal(["vfs"], Catalog.Names(DriverKind.Storage));
        Assert.Equal(BuiltPlugins.Vfs, Catalog.PluginOf(DriverKind.Storage, "vfs"));
        var driver = Catalog.Storage("vfs");
        Assert.Equal(Path.Combine(copy, BuiltPlugins.Vfs + ".dll"), driver.GetType().Assembly.Location);
        Assert.Equal("vfs", driver.Name);

        driver.Create("base", null);
        Assert.True(driver.Exists("base"));
        Assert.True(Directory.Exists(Path.Combine(_workspace.DataRoot, "storage", "vfs", "dir", "base")));
        driver.Remove("base");
        Assert.False(driver.Exists("base"));
        var missing = Assert.Throws<DriverException>(() => driver.Remove("base"));
        Assert.Equal(DriverErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public void A_plugin_shares_the_kernels_sdk_instead_of_loading_its_own()
    {
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);

        LoadSearchFolder();
        var driverType = Catalog.Storage("vfs").GetType();

        Assert.Contains(typeof(IStorageDriver), driverType.GetInterfaces());
        Assert.Same(typeof(IStorageDriver).Assembly, driverType.BaseType!.Assembly);
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == typeof(IDriverModule).Assembly.GetName().Name);
    }

    [Fact]
    public void Each_plugin_is_loaded_in_a_load_context_of_its_own()
    {
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.NoneNetwork);

        LoadSearchFolder();
        var storage = Catalog.Storage("vfs").GetType().Assembly;
        var network = Catalog.Network("none").GetType().Assembly;

        var storageContext = AssemblyLoadContext.GetLoadContext(storage);
        var networkContext = AssemblyLoadContext.GetLoadContext(network);
        Assert.NotNull(storageContext);
        Assert.NotNull(networkContext);
        Assert.NotSame(AssemblyLoadContext.Default, storageContext);
        Assert.NotSame(AssemblyLoadContext.Default, networkContext);
        Assert.NotSame(storageContext, networkContext);
        // This test project also references the vfs driver; the plugin's copy must not be that default-context one.
        Assert.NotSame(typeof(VfsStorageDriver).Assembly, storage);
    }

    [Fact]
    public void A_plugin_folder_without_its_dll_is_a_warning_and_registers_nothing()
    {
        var copy = BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);
        File.Delete(Path.Combine(copy, BuiltPlugins.Vfs + ".dll"));

        LoadSearchFolder();

        var warning = Assert.Single(Catalog.Warnings);
        Assert.StartsWith($"plugin {BuiltPlugins.Vfs} failed to load", warning);
        Assert.Contains("not found", warning);
        Assert.Empty(Catalog.Names(DriverKind.Storage));
    }

    [Fact]
    public void A_dll_that_is_not_an_assembly_is_a_warning_and_the_other_plugins_still_load()
    {
        // Named to sort on both sides of the good plugin, so neither an early nor a late failure stops the loop.
        _workspace.WritePluginDll("Aaa.Broken", "MZ this is not a PE image"u8.ToArray());
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);
        _workspace.WritePluginDll("Zzz.Broken", new byte[4096]);

        LoadSearchFolder();

        Assert.Collection(Catalog.Warnings,
            w => Assert.StartsWith("plugin Aaa.Broken failed to load: ", w),
            w => Assert.StartsWith("plugin Zzz.Broken failed to load: ", w));
        Assert.Equal(["vfs"], Catalog.Names(DriverKind.Storage));
        Assert.False(Catalog.Storage("vfs").Exists("base"));
    }

    [Fact]
    public void An_assembly_without_a_driver_module_attribute_is_a_warning_naming_the_attribute()
    {
        const string notAPlugin = "Modular.Api";
        var folder = Directory.CreateDirectory(Path.Combine(_workspace.SearchFolder, notAPlugin)).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, notAPlugin + ".dll"), Path.Combine(folder, notAPlugin + ".dll"));

        LoadSearchFolder();

        var warning = Assert.Single(Catalog.Warnings);
        Assert.StartsWith($"plugin {notAPlugin} failed to load: ", warning);
        Assert.Contains("no [assembly: DriverModule(typeof(...))] attribute", warning);
        Assert.Empty(Catalog.Names(DriverKind.Storage));
    }

    [Fact]
    public void A_second_plugin_with_the_same_driver_name_is_refused_and_the_first_keeps_serving()
    {
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);
        var acme = BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs, asName: "Acme.Storage.Vfs");

        LoadSearchFolder();

        // Folders load in ordinal order: Acme.Storage.Vfs comes first and keeps the name.
        var warning = Assert.Single(Catalog.Warnings);
        Assert.Equal(
            $"plugin {BuiltPlugins.Vfs} failed to load: {BuiltPlugins.Vfs} registers storage driver \"vfs\", already provided by Acme.Storage.Vfs",
            warning);
        Assert.Equal("Acme.Storage.Vfs", Catalog.PluginOf(DriverKind.Storage, "vfs"));
        var driver = Catalog.Storage("vfs");
        Assert.Equal(Path.Combine(acme, "Acme.Storage.Vfs.dll"), driver.GetType().Assembly.Location);
        driver.Create("base", null);
        Assert.True(driver.Exists("base"));
    }

    [Fact]
    public void The_same_plugin_installed_in_two_search_folders_loads_once()
    {
        var installed = _workspace.NewSearchFolder("installed");
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.Vfs);
        BuiltPlugins.CopyInto(installed, BuiltPlugins.Vfs);

        _workspace.Plugins.LoadAll([_workspace.SearchFolder, installed, Path.Combine(installed, "absent")]);

        var warning = Assert.Single(Catalog.Warnings);
        Assert.Contains("registers storage driver \"vfs\", already provided by", warning);
        Assert.Equal(["vfs"], Catalog.Names(DriverKind.Storage));
        Assert.StartsWith(_workspace.SearchFolder + "/", Catalog.Storage("vfs").GetType().Assembly.Location);
    }

    [Fact]
    public void Drivers_of_different_kinds_with_the_same_name_get_separate_folders()
    {
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.NoneNetwork);
        BuiltPlugins.CopyInto(_workspace.SearchFolder, BuiltPlugins.NoneLogging);

        LoadSearchFolder();

        Assert.Empty(Catalog.Warnings);
        Assert.Equal("none", Catalog.Network("none").Name);
        Assert.Equal("none", Catalog.Logging("none").Name);
        Assert.True(Directory.Exists(Path.Combine(_workspace.DataRoot, "network", "none")));
        Assert.True(Directory.Exists(Path.Combine(_workspace.DataRoot, "logging", "none")));
        Assert.True(Directory.Exists(Path.Combine(_workspace.ExecRoot, "network", "none")));
        Assert.True(Directory.Exists(Path.Combine(_workspace.ExecRoot, "logging", "none")));
    }
}
