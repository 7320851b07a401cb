using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Plugins;
using Modular.Kernel.Tests.Containers;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Storage.Vfs;
using Xunit;

namespace Modular.Kernel.Tests.Plugins;

public sealed class DriverCatalogTests : IDisposable
{
    private readonly TempFolder _folder = new("catalog");
    private readonly DriverCatalog _catalog;

    public DriverCatalogTests()
    {
        _catalog = new DriverCatalog(DataRoot, ExecRoot, NullLoggerFactory.Instance);
    }

    public void Dispose()
    {
        foreach (var driver in _catalog.Created.OfType<IDisposable>())
        {
            driver.Dispose();
        }
        _folder.Dispose();
    }

    private string DataRoot => _folder.Combine("data");

    private string ExecRoot => _folder.Combine("exec");

    private void RegisterStorage(string plugin, string name, Func<DriverContext, IStorageDriver> factory) =>
        _catalog.RegisterModule(plugin, new RegisteringModule(r => r.AddStorageDriver(name, factory)));

    [Fact]
    public void An_unknown_driver_name_is_not_found()
    {
        RegisterStorage("Acme.Storage", "vfs", context => new VfsStorageDriver(context));

        var error = Assert.Throws<DriverException>(() => _catalog.Storage("zfs"));

        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal("no storage driver named \"zfs\" is installed", error.Message);
        Assert.False(_catalog.Has(DriverKind.Storage, "zfs"));
        Assert.Throws<DriverException>(() => _catalog.Network("vfs"));
    }

    [Fact]
    public void A_factory_failure_is_an_internal_error_naming_the_driver_and_the_next_request_retries()
    {
        var calls = 0;
        var cause = new IOException("disk on fire");
        RegisterStorage("Acme.Storage", "flaky", context => ++calls == 1 ? throw cause : new VfsStorageDriver(context));

        var error = Assert.Throws<DriverException>(() => _catalog.Storage("flaky"));

        Assert.Equal(DriverErrorKind.Internal, error.Kind);
        Assert.Equal("storage driver \"flaky\" failed to start: disk on fire", error.Message);
        Assert.Same(cause, error.InnerException);
        Assert.Empty(_catalog.Created);

        var driver = _catalog.Storage("flaky");
        Assert.Equal(2, calls);
        Assert.Same(driver, _catalog.Storage("flaky"));
        Assert.Equal(2, calls);
        Assert.Same(driver, Assert.Single(_catalog.Created));
    }

    [Fact]
    public void A_driver_exception_from_the_factory_passes_through_unchanged()
    {
        var refusal = DriverException.NotSupported("overlay is not supported over this backing filesystem");
        RegisterStorage("Acme.Storage", "picky", _ => throw refusal);

        var error = Assert.Throws<DriverException>(() => _catalog.Storage("picky"));

        Assert.Same(refusal, error);
        Assert.Equal(DriverErrorKind.NotSupported, error.Kind);
    }

    [Fact]
    public void Each_driver_gets_its_own_existing_root_and_run_root()
    {
        var contexts = new Dictionary<string, DriverContext>();
        IStorageDriver Remember(string name, DriverContext context)
        {
            contexts[name] = context;
            return new VfsStorageDriver(context);
        }
        RegisterStorage("Acme.Storage", "first", context => Remember("first", context));
        RegisterStorage("Acme.Storage", "second", context => Remember("second", context));

        _catalog.Storage("first");
        _catalog.Storage("second");

        foreach (var name in new[] { "first", "second" })
        {
            Assert.Equal(Path.Combine(DataRoot, "storage", name), contexts[name].Root);
            Assert.Equal(Path.Combine(ExecRoot, "storage", name), contexts[name].RunRoot);
            Assert.True(Directory.Exists(contexts[name].Root));
            Assert.True(Directory.Exists(contexts[name].RunRoot));
        }
    }

    [Fact]
    public void A_driver_is_created_lazily_and_only_once()
    {
        var calls = 0;
        RegisterStorage("Acme.Storage", "vfs", context => { calls++; return new VfsStorageDriver(context); });

        Assert.Equal(0, calls);
        Assert.False(Directory.Exists(Path.Combine(DataRoot, "storage", "vfs")));
        var first = _catalog.Storage("vfs");
        var second = _catalog.Storage("vfs");

        Assert.Equal(1, calls);
        Assert.Same(first, second);
    }

    [Fact]
    public void Driver_options_reach_the_driver_by_its_name()
    {
        var options = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        // vfs itself refuses options: it only stands in for a driver that takes them, so it gets none.
        RegisterStorage("Acme.Storage", "tuned", context => { options["tuned"] = context.Options; return new VfsStorageDriver(context with { Options = new Dictionary<string, string>() }); });
        RegisterStorage("Acme.Storage", "plain", context => { options["plain"] = context.Options; return new VfsStorageDriver(context); });
        _catalog.DriverOptions["tuned"] = new Dictionary<string, string> { ["tuned.size"] = "10G", ["tuned.mountopt"] = "nodev" };

        _catalog.Storage("tuned");
        _catalog.Storage("plain");

        Assert.Equal(new Dictionary<string, string> { ["tuned.size"] = "10G", ["tuned.mountopt"] = "nodev" }, options["tuned"]);
        Assert.Empty(options["plain"]);
    }

    [Fact]
    public void A_second_module_registering_a_taken_name_is_refused_naming_both_plugins()
    {
        RegisterStorage("Acme.Storage", "fast", context => new VfsStorageDriver(context));

        var error = Assert.Throws<DriverException>(() => RegisterStorage("Globex.Storage", "fast", context => new VfsStorageDriver(context)));

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Equal("Globex.Storage registers storage driver \"fast\", already provided by Acme.Storage", error.Message);
        Assert.Equal("Acme.Storage", _catalog.PluginOf(DriverKind.Storage, "fast"));
    }

    [Fact]
    public void The_same_name_may_be_used_by_drivers_of_different_kinds()
    {
        RegisterStorage("Acme.Storage", "none", context => new VfsStorageDriver(context));
        _catalog.RegisterModule("Acme.Network", new RegisteringModule(r => r.AddNetworkDriver("none", _ => throw new InvalidOperationException("unused"))));

        Assert.Equal(["none"], _catalog.Names(DriverKind.Storage));
        Assert.Equal(["none"], _catalog.Names(DriverKind.Network));
        Assert.Equal("Acme.Network", _catalog.PluginOf(DriverKind.Network, "none"));
    }

    [Fact]
    public void A_driver_without_a_name_is_refused_naming_the_plugin()
    {
        var error = Assert.Throws<DriverException>(() => RegisterStorage("Acme.Storage", " ", context => new VfsStorageDriver(context)));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Acme.Storage", error.Message);
        Assert.Empty(_catalog.Names(DriverKind.Storage));
    }

    [Fact]
    public void A_refused_module_leaves_none_of_its_drivers_registered()
    {
        // PluginDirectory reports such a plugin as "failed to load", so nothing of it may stay usable.
        RegisterStorage("Acme.Storage", "vfs", context => new VfsStorageDriver(context));
        var greedy = new RegisteringModule(r =>
        {
            r.AddStorageDriver("fresh", context => new VfsStorageDriver(context));
            r.AddStorageDriver("vfs", context => new VfsStorageDriver(context));
        });

        Assert.Throws<DriverException>(() => _catalog.RegisterModule("Globex.Storage", greedy));

        Assert.False(_catalog.Has(DriverKind.Storage, "fresh"),
            "Globex.Storage was refused, yet its \"fresh\" driver stayed registered and usable");
        Assert.Equal(["vfs"], _catalog.Names(DriverKind.Storage));
    }
}
