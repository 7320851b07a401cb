using Modular.Daemon;
using Modular.Kernel;
using Modular.Kernel.Configuration;

return await DaemonFlags.Create(Run).Parse(args).InvokeAsync();

static int Run(string? configFile, Dictionary<string, object> flags)
{
    DaemonConfig config;
    try
    {
        config = DaemonConfigLoader.Load(configFile, flags);
    }
    catch (ConfigurationException e)
    {
        Console.Error.WriteLine($"modulard: {e.Message}");
        return 1;
    }

    try
    {
        using var dataRootLock = DataRootLock.Acquire(config.DataRoot);
        var sockets = config.Hosts.Select(ModularEngine.SocketPath).OfType<string>().ToList();
        foreach (var socket in sockets)
        {
            // We hold the data-root lock, so a socket file still there was left by a killed daemon.
            Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
            File.Delete(socket);
        }
        var app = ModularEngine.Build(config, PluginFolders(config));
        using var memoryTrim = IdleMemoryTrim.Start();
        ModularEngine.PrepareAsync(app, CancellationToken.None).GetAwaiter().GetResult();
        var lifetime = app.Lifetime;
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var socket in sockets)
            {
                SocketPermissions.Apply(socket, config.Group);
            }
            if (config.PidFile is { } pidFile)
            {
                File.WriteAllText(pidFile, Environment.ProcessId.ToString());
            }
        });
        lifetime.ApplicationStopped.Register(() =>
        {
            if (config.PidFile is { } pidFile)
            {
                File.Delete(pidFile);
            }
        });
        app.Run();
        return 0;
    }
    catch (ConfigurationException e)
    {
        Console.Error.WriteLine($"modulard: {e.Message}");
        return 1;
    }
}

static IReadOnlyList<string> PluginFolders(DaemonConfig config) =>
[
    Path.Combine(AppContext.BaseDirectory, "plugins"),
    Path.Combine(config.DataRoot, "plugins"),
];
