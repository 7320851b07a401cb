using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Api;
using Modular.Kernel.Configuration;
using Modular.Kernel.Containers;
using Modular.Kernel.Events;
using Modular.Kernel.Host;
using Modular.Kernel.Images;
using Modular.Kernel.Networks;
using Modular.Kernel.Plugins;
using Modular.Kernel.Runtime;
using Modular.Sdk;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace Modular.Kernel;

/// <summary>
/// Assembles the kernel: loads the driver plugins, selects the configured drivers (failing start-up when a selected
/// one is missing), wires the stores and services, and maps the Engine API onto Kestrel's unix sockets.
/// </summary>
public static class ModularEngine
{
    public static WebApplication Build(DaemonConfig config, IReadOnlyList<string> pluginFolders)
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Is(config.Debug ? LogEventLevel.Debug : LevelOf(config.LogLevel))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .WriteTo.Console(
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();
        var loggerFactory = new SerilogLoggerFactory(serilog, dispose: false);

        Directory.CreateDirectory(config.DataRoot);
        Directory.CreateDirectory(config.ExecRoot);
        var catalog = new DriverCatalog(config.DataRoot, config.ExecRoot, loggerFactory);
        catalog.DriverOptions["storage"] = new Dictionary<string, string>();
        new PluginDirectory(new IsolatedPluginLoader(), catalog, loggerFactory.CreateLogger<PluginDirectory>()).LoadAll(pluginFolders);
        config = config with { StorageDriver = SelectStorageDriver(config, catalog, loggerFactory.CreateLogger("storage")) };
        if (!catalog.Has(DriverKind.Logging, config.LogDriver))
        {
            throw new ConfigurationException($"log-driver: no logging driver named \"{config.LogDriver}\" is installed ({Describe(catalog, DriverKind.Logging)})");
        }
        catalog.Logging(config.LogDriver).ValidateOptions(config.LogOpts);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(serilog, dispose: true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, Api.Transport.UnixSocketTransportFactory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var host in config.Hosts)
            {
                if (host == SystemdSockets.Host)
                {
                    foreach (var descriptor in SystemdSockets.Inherited())
                    {
                        kestrel.ListenHandle((ulong)descriptor);
                    }
                }
                else
                {
                    kestrel.ListenUnixSocket(SocketPath(host)!);
                }
            }
            kestrel.Limits.MaxRequestBodySize = null;
        });

        var storage = catalog.Storage(config.StorageDriver!);
        builder.Services
            .AddSingleton(config)
            .AddSingleton(catalog)
            .AddSingleton<EventBus>()
            .AddSingleton(new ContainerStore(config.DataRoot))
            .AddSingleton(sp => new NetworkStore(config.DataRoot, catalog))
            .AddSingleton(sp => new ImageService(config.DataRoot, storage, sp.GetRequiredService<ILoggerFactory>().CreateLogger<ImageService>()))
            .AddSingleton<RuntimeCatalog>()
            .AddSingleton<ContainerService>()
            .AddSingleton<ContainerRunner>()
            .AddSingleton<ContainerReconciler>()
            .AddSingleton<ContainerShutdown>()
            .AddSingleton(new EngineIdentity(config.DataRoot))
            .AddSingleton<InfoReport>();

        var app = builder.Build();
        app.UseMiddleware<ApiMiddleware>();
        app.UseRouting();
        SystemEndpoints.Map(app);
        ContainerEndpoints.Map(app);
        StreamEndpoints.Map(app);
        ImageEndpoints.Map(app);
        NetworkEndpoints.Map(app);
        EventEndpoints.Map(app);
        return app;
    }

    /// <summary>Reconciles state before the API accepts requests, and arranges the shutdown of containers and drivers.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ProcessSyscalls.BecomeChildSubreaper();
        app.Services.GetRequiredService<NetworkStore>().Initialize();
        await app.Services.GetRequiredService<ContainerReconciler>().ReconcileAsync(cancellationToken);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() =>
        {
            var config = app.Services.GetRequiredService<DaemonConfig>();
            if (!config.LiveRestore)
            {
                app.Services.GetRequiredService<ContainerShutdown>().StopAllAsync().GetAwaiter().GetResult();
            }
            foreach (var driver in app.Services.GetRequiredService<DriverCatalog>().Created.OfType<Sdk.Storage.IStorageDriver>())
            {
                driver.Cleanup();
            }
        });
    }

    /// <summary>The socket file of a unix:// host, or null for fd:// (systemd owns that file).</summary>
    public static string? SocketPath(string host) => host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;

    // Docker's order when nothing is configured: overlay2 first, vfs as the last resort; the reason is logged.
    private static string SelectStorageDriver(DaemonConfig config, DriverCatalog catalog, Microsoft.Extensions.Logging.ILogger logger)
    {
        foreach (var option in config.StorageOpts)
        {
            var (key, value) = (option.Split('=', 2)[0], option.Split('=', 2)[1]);
            var driverName = key.Contains('.') ? key[..key.IndexOf('.')] : config.StorageDriver ?? "";
            if (!catalog.DriverOptions.TryGetValue(driverName, out var options) || options is not Dictionary<string, string> editable)
            {
                editable = new Dictionary<string, string>();
                catalog.DriverOptions[driverName] = editable;
            }
            editable[key] = value;
        }

        if (config.StorageDriver is { } chosen)
        {
            if (!catalog.Has(DriverKind.Storage, chosen))
            {
                throw new ConfigurationException($"storage-driver: no storage driver named \"{chosen}\" is installed ({Describe(catalog, DriverKind.Storage)})");
            }
            try
            {
                catalog.Storage(chosen);
            }
            catch (DriverException e)
            {
                throw new ConfigurationException($"storage-driver: the \"{chosen}\" driver cannot start: {e.Message}");
            }
            return chosen;
        }

        foreach (var candidate in new[] { "overlay2", "vfs" })
        {
            if (!catalog.Has(DriverKind.Storage, candidate))
            {
                continue;
            }
            try
            {
                catalog.Storage(candidate);
                logger.LogInformation("No storage-driver configured: using {Driver}, the first that works here", candidate);
                return candidate;
            }
            catch (DriverException e)
            {
                logger.LogInformation("Storage driver {Driver} cannot be used here: {Reason}", candidate, e.Message);
            }
        }
        throw new ConfigurationException($"storage-driver: none of the installed storage drivers works on this host ({Describe(catalog, DriverKind.Storage)})");
    }

    private static string Describe(DriverCatalog catalog, DriverKind kind)
    {
        var names = catalog.Names(kind);
        var installed = names.Count == 0 ? "none is installed" : "installed: " + string.Join(", ", names);
        var warnings = catalog.Warnings;
        return warnings.Count == 0 ? installed : $"{installed}; {string.Join("; ", warnings)}";
    }

    private static LogEventLevel LevelOf(string level) => level switch
    {
        "debug" => LogEventLevel.Debug,
        "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };
}
