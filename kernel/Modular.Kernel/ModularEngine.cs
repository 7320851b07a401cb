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
using Modular.Kernel.Plugins.Installed;
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
        catalog.DriverOptions["bridge"] = NetworkConfigValidation.BridgeDriverOptions(config);
        var pluginDirectory = new PluginDirectory(new IsolatedPluginLoader(), catalog, loggerFactory.CreateLogger<PluginDirectory>());
        pluginDirectory.LoadAll(pluginFolders);
        // Installed packages join the same catalog before any driver is selected, so daemon.json can name them.
        var installedPlugins = new InstalledPluginStore(config.DataRoot);
        var pluginActivator = new InstalledPluginActivator(installedPlugins, pluginDirectory, catalog, loggerFactory.CreateLogger("plugins"));
        pluginActivator.ActivateAll();
        config = config with { StorageDriver = SelectStorageDriver(config, catalog, loggerFactory.CreateLogger("storage")) };
        if (!catalog.Has(DriverKind.Logging, config.LogDriver))
        {
            throw new ConfigurationException($"log-driver: no logging driver named \"{config.LogDriver}\" is installed ({Describe(catalog, DriverKind.Logging)})");
        }
        catalog.Logging(config.LogDriver).ValidateOptions(config.LogOpts);

        // The empty builder: no appsettings.json (whose reload-on-change would watch the working directory with
        // inotify), no configuration sources, console logger, host filtering or forwarded headers; only Kestrel (HTTP/1.1
        // on our sockets, no TLS or QUIC) and routing, each of the others costing an idle daemon assemblies and types.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
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
            .AddSingleton(sp => new NetworkStore(config, catalog, sp.GetRequiredService<ILogger<NetworkStore>>()))
            .AddSingleton(new EndpointStore(config.DataRoot))
            .AddSingleton<HostPorts>()
            .AddSingleton<ContainerNetworking>()
            .AddSingleton<SurvivingEndpoints>()
            .AddSingleton(sp => new ImageService(config.DataRoot, storage, sp.GetRequiredService<ILoggerFactory>().CreateLogger<ImageService>()))
            .AddSingleton<RuntimeCatalog>()
            .AddSingleton<Runtime.Shims.ShimLauncher>()
            .AddSingleton(sp => new Volumes.VolumeStore(config.DataRoot, sp.GetRequiredService<ContainerStore>(), sp.GetRequiredService<EventBus>(), sp.GetRequiredService<ILogger<Volumes.VolumeStore>>()))
            .AddSingleton<Containers.Mounts.ContainerMountSetup>()
            .AddSingleton<ContainerService>()
            .AddSingleton<ContainerRunner>()
            .AddSingleton<ExecService>()
            .AddSingleton<Health.HealthMonitors>()
            .AddSingleton<Health.OomWatcher>()
            .AddSingleton<ContainerReconciler>()
            .AddSingleton<ContainerShutdown>()
            .AddSingleton(new Build.BuildCache(config.DataRoot))
            .AddSingleton<Build.DockerfileBuilder>()
            .AddSingleton(new EngineIdentity(config.DataRoot))
            .AddSingleton<InfoReport>()
            .AddSingleton(installedPlugins)
            .AddSingleton(pluginActivator)
            .AddSingleton<PluginUsage>();

        var app = builder.Build();
        app.UseMiddleware<ApiMiddleware>();
        app.UseWebSockets();
        app.UseRouting();
        SystemEndpoints.Map(app);
        ContainerEndpoints.Map(app);
        StreamEndpoints.Map(app);
        ImageEndpoints.Map(app);
        DistributionEndpoints.Map(app);
        ImageArchiveEndpoints.Map(app);
        NetworkEndpoints.Map(app);
        EventEndpoints.Map(app);
        DiskUsageEndpoints.Map(app);
        VolumeEndpoints.Map(app);
        ExecEndpoints.Map(app);
        ContainerOperationEndpoints.Map(app);
        WebSocketAttachEndpoint.Map(app);
        ArchiveEndpoints.Map(app);
        StatsEndpoints.Map(app);
        BuildEndpoints.Map(app);
        PluginEndpoints.Map(app);
        return app;
    }

    /// <summary>Reconciles state before the API accepts requests, and arranges the shutdown of containers and drivers.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ProcessSyscalls.BecomeChildSubreaper();
        var reconciler = app.Services.GetRequiredService<ContainerReconciler>();
        // Containers that kept running while the daemon was away come back first, so that re-creating the networks
        // and reconciling mounts spares what they use.
        var survivors = reconciler.ReattachSurvivors();
        var surviving = app.Services.GetRequiredService<SurvivingEndpoints>();
        surviving.HandBack(survivors);
        app.Services.GetRequiredService<NetworkStore>().Initialize();
        app.Services.GetRequiredService<Volumes.VolumeStore>().Load();
        // From here a survivor's exit can be handled: its networks and volumes are back. Later steps (build leftovers)
        // may wait for such an exit.
        app.Services.GetRequiredService<ContainerRunner>().StartupReconciled();
        await reconciler.ReconcileAsync(survivors, cancellationToken);
        app.Services.GetRequiredService<Health.OomWatcher>().Start();
        await app.Services.GetRequiredService<Build.DockerfileBuilder>().RemoveLeftoversAsync();
        app.Services.GetRequiredService<ContainerNetworking>().ReleaseAll(survivors.Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
        surviving.Resume(survivors);
        RunWhenStarted(app, () => reconciler.RestartByPolicyAsync(CancellationToken.None));

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() =>
        {
            var config = app.Services.GetRequiredService<DaemonConfig>();
            if (!config.LiveRestore)
            {
                app.Services.GetRequiredService<ContainerShutdown>().StopAllAsync().GetAwaiter().GetResult();
            }
            // Containers left running keep their root filesystems mounted; the next start unmounts what nobody claims.
            var anyRunning = app.Services.GetRequiredService<ContainerStore>().All.Any(c => ContainerLifecycle.IsActive(c.State.Status));
            foreach (var driver in app.Services.GetRequiredService<DriverCatalog>().Created.OfType<Sdk.Storage.IStorageDriver>().Where(_ => !anyRunning))
            {
                driver.Cleanup();
            }
        });
    }

    /// <summary>The socket file of a unix:// host, or null for fd:// (systemd owns that file).</summary>
    private static void RunWhenStarted(WebApplication app, Func<Task> work) =>
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => _ = Task.Run(work));

    public static string? SocketPath(string host) => host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;

    // Docker's rules when nothing is configured: a driver with layers already under data-root keeps being used (two
    // would be ambiguous and refuse); otherwise overlay2, btrfs, zfs (each works only on its own kind of backing
    // filesystem) and vfs as the last resort. The reason is logged. Every storage-opt goes to the selected driver,
    // which refuses the ones it does not know.
    private static string SelectStorageDriver(DaemonConfig config, DriverCatalog catalog, Microsoft.Extensions.Logging.ILogger logger)
    {
        var options = config.StorageOpts.Select(o => o.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        string? Try(string name, bool required)
        {
            catalog.DriverOptions[name] = options;
            try
            {
                catalog.Storage(name);
                return name;
            }
            catch (DriverException e)
            {
                // As in dockerd, only a driver that cannot work on this host gives way to the next one; anything else
                // (an unknown or invalid storage-opt above all) is a configuration error to report, not to paper over.
                if (required || e.Kind != DriverErrorKind.NotSupported)
                {
                    throw new ConfigurationException($"storage-driver: the \"{name}\" driver cannot start: {e.Message}");
                }
                logger.LogInformation("Storage driver {Driver} cannot be used here: {Reason}", name, e.Message);
                return null;
            }
        }

        if (config.StorageDriver is { } chosen)
        {
            if (!catalog.Has(DriverKind.Storage, chosen))
            {
                throw new ConfigurationException($"storage-driver: no storage driver named \"{chosen}\" is installed ({Describe(catalog, DriverKind.Storage)})");
            }
            return Try(chosen, required: true)!;
        }

        var prior = catalog.Names(DriverKind.Storage).Where(name => HasLayers(Path.Combine(config.DataRoot, "storage", name))).ToList();
        if (prior.Count > 1)
        {
            throw new ConfigurationException(
                $"storage-driver: {config.DataRoot} contains layers of several storage drivers ({string.Join(", ", prior)}); choose one with storage-driver");
        }
        if (prior.Count == 1)
        {
            logger.LogInformation("No storage-driver configured: using {Driver}, which holds the layers already under {DataRoot}", prior[0], config.DataRoot);
            return Try(prior[0], required: true)!;
        }

        foreach (var candidate in new[] { "overlay2", "btrfs", "zfs", "vfs" }.Where(n => catalog.Has(DriverKind.Storage, n)))
        {
            if (Try(candidate, required: false) is { } selected)
            {
                logger.LogInformation("No storage-driver configured: using {Driver}, the first in Docker's order that works on {DataRoot}", selected, config.DataRoot);
                return selected;
            }
        }
        throw new ConfigurationException($"storage-driver: none of the installed storage drivers works on this host ({Describe(catalog, DriverKind.Storage)})");
    }

    // Layer ids are 64 hex digits; drivers keep them at the top of their root or one folder down (vfs's dir/).
    private static bool HasLayers(string driverRoot) =>
        Directory.Exists(driverRoot)
        && Directory.EnumerateDirectories(driverRoot).Concat(Directory.EnumerateDirectories(driverRoot).SelectMany(Directory.EnumerateDirectories))
            .Any(d => Path.GetFileName(d) is { Length: 64 } name && name.All(char.IsAsciiHexDigitLower));

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
