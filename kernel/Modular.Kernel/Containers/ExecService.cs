using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Modular.Api.Models;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;
using Modular.Kernel.Streams;
using Modular.Sdk;

namespace Modular.Kernel.Containers;

/// <summary>
/// `docker exec`: extra processes in a running container, started through the OCI runtime's exec with the same
/// user resolution, environment and capabilities as the container's own process.
/// </summary>
public sealed class ExecService
{
    private readonly ConcurrentDictionary<string, ExecInstance> _execs = new(StringComparer.Ordinal);
    private readonly ContainerService containers;
    private readonly ILogger<ExecService> logger;

    public ExecService(ContainerService containers, ILogger<ExecService> logger)
    {
        this.containers = containers;
        this.logger = logger;
        containers.Removed += Forget;
    }

    public ExecInstance Create(string containerReference, ExecConfig config)
    {
        var container = containers.Store.Get(containerReference);
        RequireRunning(container);
        if (config.Cmd is not { Count: > 0 })
        {
            throw DriverException.InvalidArgument("No exec command specified");
        }
        var exec = new ExecInstance(ContainerNames.NewId(), container, config);
        _execs[exec.Id] = exec;
        containers.Publish(container, $"exec_create: {string.Join(' ', config.Cmd)}", new Dictionary<string, string> { ["execID"] = exec.Id });
        return exec;
    }

    public ExecInstance Get(string id) =>
        _execs.TryGetValue(id, out var exec) ? exec : throw DriverException.NotFound($"No such exec instance: {id}");

    /// <summary>Forgets one finished exec (a health probe), so probes do not pile up for the life of the container.</summary>
    public void Discard(string id) => _execs.TryRemove(id, out _);

    public IEnumerable<string> IdsOf(Container container) => _execs.Values.Where(e => e.Container == container).Select(e => e.Id);

    /// <summary>Forgets the execs of a removed container.</summary>
    public void Forget(Container container)
    {
        foreach (var id in IdsOf(container).ToList())
        {
            _execs.TryRemove(id, out _);
        }
    }

    /// <summary>Starts the process; its output flows to <see cref="ExecInstance.Hub"/>, subscribed before this is called.</summary>
    public async Task StartAsync(ExecInstance exec, CancellationToken cancellationToken)
    {
        lock (exec)
        {
            if (exec.Started)
            {
                throw DriverException.Conflict($"Error: Exec command {exec.Id} has already run");
            }
            exec.Started = true;
        }
        var container = exec.Container;
        RequireRunning(container);
        var runtime = containers.Runtimes.Get(container.Runtime);
        var storage = containers.Drivers.Storage(container.StorageDriver);
        var bundle = Path.Combine(containers.Config.ExecRoot, "containers", container.Id);
        var processFile = Path.Combine(bundle, $"exec-{exec.Id}.json");
        var pidFile = Path.Combine(bundle, $"exec-{exec.Id}.pid");

        CreatedContainer created;
        try
        {
            var rootfs = storage.Get(container.LayerId);
            try
            {
                var user = UserResolver.Resolve(rootfs, exec.Config.User.Length > 0 ? exec.Config.User : container.Config.User);
                var env = ContainerFactory.MergeEnv(container.Config.Env ?? [], exec.Config.Env ?? []);
                if (exec.Config.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
                {
                    env.Add("TERM=xterm");
                }
                var cwd = exec.Config.WorkingDir.Length > 0 ? exec.Config.WorkingDir
                    : container.Config.WorkingDir.Length > 0 ? container.Config.WorkingDir : "/";
                var process = OciSpecBuilder.BuildProcess(new ProcessSpec(exec.Config.Cmd!, env, cwd, user, Terminal: exec.Config.Tty, AllCapabilities: exec.Config.Privileged));
                Security.ExecSecurity.Apply(process, container.HostConfig, exec.Config.Privileged);
                Persistence.AtomicFile.WriteAllBytes(processFile, JsonSerializer.SerializeToUtf8Bytes(process));
            }
            finally
            {
                storage.Put(container.LayerId);
            }
            (created, exec.Terminal) = await TerminalCapture.RunAsync(exec.Config.Tty,
                socket => runtime.ExecAsync(container.Id, processFile, pidFile, socket, discardStdio: !exec.Config.Tty && !exec.Config.AttachStdin
                    && !exec.Config.AttachStdout && !exec.Config.AttachStderr, cancellationToken), cancellationToken);
        }
        catch (Exception e)
        {
            var message = e.Message;
            exec.Finish(message.Contains("executable file not found", StringComparison.Ordinal)
                || message.Contains("no such file or directory", StringComparison.Ordinal) ? 127 : 126);
            throw;
        }

        exec.Running = true;
        exec.Pid = created.Pid;
        var terminal = exec.Terminal;
        var copier = terminal is null
            ? OutputCopier.CopyAsync(created.Stdout, created.Stderr, DiscardSink.Instance, exec.Hub)
            : OutputCopier.CopyAsync(terminal.Stream, Stream.Null, DiscardSink.Instance, exec.Hub);
        if (terminal is not null && exec.Config.ConsoleSize is [var height, var width])
        {
            terminal.Resize((ushort)height, (ushort)width);
        }
        if (!exec.Config.AttachStdin || terminal is not null)
        {
            created.Stdin.Close();
        }
        exec.Began(exec.Config.AttachStdin ? terminal?.Stream ?? created.Stdin : null);
        containers.Publish(container, $"exec_start: {string.Join(' ', exec.Config.Cmd!)}", new Dictionary<string, string> { ["execID"] = exec.Id });

        var monitor = new Thread(() =>
        {
            var exitCode = ProcessSyscalls.WaitForExit(created.Pid);
            Task.WhenAny(copier, Task.Delay(TimeSpan.FromSeconds(5))).GetAwaiter().GetResult();
            created.Dispose();
            terminal?.Dispose();
            TryDelete(processFile);
            TryDelete(pidFile);
            TryDelete(Path.ChangeExtension(processFile, ".log"));
            exec.Finish(exitCode < 0 ? 255 : exitCode);
            containers.Publish(container, "exec_die", new Dictionary<string, string>
            {
                ["execID"] = exec.Id,
                ["exitCode"] = exec.ExitCode.ToString() ?? "",
            });
        })
        {
            IsBackground = true,
            Name = $"exec-{exec.Id[..12]}",
        };
        monitor.Start();
    }

    private static void RequireRunning(Container container)
    {
        if (container.State.Status == ContainerStatus.Paused)
        {
            throw DriverException.Conflict($"container {container.Id} is paused, unpause the container before exec");
        }
        if (container.State.Status != ContainerStatus.Running)
        {
            throw DriverException.Conflict($"container {container.Id} is not running");
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            logger.LogDebug(e, "Could not delete {Path}", path);
        }
    }
}
