using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Kernel.Plugins.Installed;
using Modular.Sdk;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>Installing driver packages into a data-root and activating them as the daemon does at start.</summary>
public sealed class InstalledPluginTests : IDisposable
{
    private readonly PluginWorkspace _workspace = new();
    private readonly InstalledPluginStore _store;

    public InstalledPluginTests()
    {
        _store = new InstalledPluginStore(_workspace.DataRoot);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_sample_installs_into_its_versioned_folder_and_its_driver_works_after_activation()
    {
        var installed = Install(SamplePackages.Sqlite);

        Assert.Equal(("Acme.Logging.Sqlite", "1.2.0", true), (installed.Id, installed.Version, installed.Enabled));
        Assert.True(File.Exists(Path.Combine(_workspace.DataRoot, "plugins", "Acme.Logging.Sqlite", "1.2.0", "driver", "Acme.Logging.Sqlite.dll")));
        Activate();

        Assert.Equal(["logging/sqlite"], _store.Get("Acme.Logging.Sqlite").Drivers);
        var driver = _workspace.Catalog.Logging("sqlite");
        var container = Directory.CreateDirectory(Path.Combine(_workspace.DataRoot, "containers", "c1")).FullName;
        var context = new LogContext(new string('c', 64), "c1", container, new Dictionary<string, string>());
        using (var sink = driver.CreateSink(context))
        {
            sink.Log(new LogMessage(LogSource.Stdout, "through the native sqlite library\n"u8.ToArray(), DateTimeOffset.UtcNow));
        }
        var read = driver.OpenReader(context)!.ReadAsync(new LogReadOptions(), TestContext.Current.CancellationToken).ToBlockingEnumerable(TestContext.Current.CancellationToken).Single();
        Assert.Equal("through the native sqlite library\n", Encoding.UTF8.GetString(read.Line.Span));
    }

    [Fact]
    public void Two_plugins_with_different_versions_of_one_private_dependency_load_side_by_side()
    {
        Install(SamplePackages.JsonV12);
        Install(SamplePackages.JsonV13);

        Activate();

        Assert.Equal(["newtonsoft-12.0", "newtonsoft-13.0"], _workspace.Catalog.Names(DriverKind.Logging));
        foreach (var name in new[] { "newtonsoft-12.0", "newtonsoft-13.0" })
        {
            var container = Directory.CreateDirectory(Path.Combine(_workspace.DataRoot, "containers", name)).FullName;
            using (var sink = _workspace.Catalog.Logging(name).CreateSink(new LogContext(new string('d', 64), name, container, new Dictionary<string, string>())))
            {
                sink.Log(new LogMessage(LogSource.Stderr, "x\n"u8.ToArray(), DateTimeOffset.UtcNow));
            }
            Assert.Equal("{\"stream\":\"Stderr\",\"log\":\"x\\n\"}\n", File.ReadAllText(Path.Combine(container, "newtonsoft.log")));
        }
    }

    [Fact]
    public void A_plugin_that_throws_in_register_is_disabled_with_the_reason_and_the_others_still_load()
    {
        Install(SamplePackages.ThrowsInRegister);
        Install(SamplePackages.Sqlite);

        Activate();

        var broken = _store.Get("Acme.Test.ThrowsInRegister");
        Assert.False(broken.Enabled);
        Assert.Contains("refuses to register", broken.Error);
        Assert.Contains(_workspace.Catalog.Warnings, w => w.Contains("Acme.Test.ThrowsInRegister failed to load and was disabled") && w.Contains("refuses to register"));
        Assert.True(_workspace.Catalog.Has(DriverKind.Logging, "sqlite"));
    }

    [Fact]
    public void A_disabled_plugin_is_not_loaded_and_enabling_it_loads_it_at_the_next_start()
    {
        Install(SamplePackages.Sqlite);
        _store.SetEnabled("acme.logging.sqlite", enabled: false);

        Activate();
        Assert.False(_workspace.Catalog.Has(DriverKind.Logging, "sqlite"));

        _store.SetEnabled("Acme.Logging.Sqlite", enabled: true);
        Activate();
        Assert.True(_workspace.Catalog.Has(DriverKind.Logging, "sqlite"));
    }

    [Fact]
    public void The_same_plugin_cannot_be_installed_twice()
    {
        Install(SamplePackages.Sqlite);

        var error = Assert.Throws<DriverException>(() => Install(SamplePackages.Sqlite));

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Single(Directory.GetDirectories(_store.Root));
    }

    [Fact]
    public void Removing_deletes_the_plugin_and_its_state()
    {
        Install(SamplePackages.Sqlite);

        _store.Remove("Acme.Logging.Sqlite");

        Assert.Empty(_store.All);
        Assert.Empty(Directory.GetDirectories(_store.Root));
    }

    [Fact]
    public void A_package_built_against_a_newer_sdk_minor_is_refused_naming_both_versions()
    {
        var package = SamplePackages.BrokenCopy(SamplePackages.Sqlite, _workspace.SearchFolder,
            zip => SamplePackages.Replace(zip, "driver/modular-driver.json", text => text.Replace("\"sdkVersion\": \"0.1.0\"", "\"sdkVersion\": \"0.9.0\"")));

        var error = Refused(package);

        Assert.Contains("built against Modular.Sdk 0.9.0", error);
        Assert.Contains($"provides Modular.Sdk {PluginCompatibility.DaemonSdkVersion.Major}.{PluginCompatibility.DaemonSdkVersion.Minor}", error);
    }

    [Fact]
    public void A_package_missing_a_private_dependency_is_refused_naming_it()
    {
        var package = SamplePackages.BrokenCopy(SamplePackages.Sqlite, _workspace.SearchFolder, zip => zip.GetEntry("driver/SQLitePCLRaw.core.dll")!.Delete());

        var error = Refused(package);

        Assert.Contains("depends on SQLitePCLRaw.core", error);
        Assert.Contains("missing dependency", error);
    }

    [Fact]
    public void A_package_carrying_its_own_copy_of_the_sdk_is_refused()
    {
        var sdk = File.ReadAllBytes(typeof(IDriverModule).Assembly.Location);
        var package = SamplePackages.BrokenCopy(SamplePackages.Sqlite, _workspace.SearchFolder, zip => SamplePackages.Add(zip, "driver/Modular.Sdk.dll", sdk));

        Assert.Contains("ships its own Modular.Sdk.dll", Refused(package));
    }

    [Fact]
    public void An_entry_that_would_extract_outside_the_plugin_folder_is_refused_and_nothing_is_written()
    {
        var package = SamplePackages.BrokenCopy(SamplePackages.Sqlite, _workspace.SearchFolder, zip => SamplePackages.Add(zip, "driver/../../../escaped.txt", "x"u8.ToArray()));

        Assert.Contains("would be extracted outside the plugin's folder", Refused(package));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(_workspace.DataRoot)!, "escaped.txt", SearchOption.AllDirectories));
        Assert.Empty(_store.All);
    }

    [Fact]
    public void A_package_without_the_driver_package_type_is_refused()
    {
        var package = SamplePackages.BrokenCopy(SamplePackages.Sqlite, _workspace.SearchFolder,
            zip => SamplePackages.Replace(zip, "Acme.Logging.Sqlite.nuspec", text => text.Replace("<packageType name=\"ModularDriver\" />", "")));

        Assert.Contains("its package type is none", Refused(package));
    }

    [Fact]
    public void An_installed_plugin_folder_is_not_mistaken_for_a_plain_plugin_folder()
    {
        Install(SamplePackages.Sqlite);

        _workspace.Plugins.LoadAll([_store.Root]);

        Assert.Empty(_workspace.Catalog.Warnings);
    }

    private InstalledPlugin Install(string package)
    {
        using var stream = File.OpenRead(SamplePackages.PathOf(package));
        return _store.Install(stream);
    }

    private string Refused(string packagePath)
    {
        using var stream = File.OpenRead(packagePath);
        var error = Assert.Throws<DriverException>(() => _store.Install(stream));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("plugin refused: ", error.Message);
        Assert.Empty(_store.All);
        return error.Message;
    }

    // Each call is a fresh daemon start: a new catalog, the same data-root.
    private void Activate()
    {
        _workspace.ResetCatalog();
        new InstalledPluginActivator(_store, _workspace.Plugins, _workspace.Catalog, NullLogger.Instance).ActivateAll();
    }
}
