using System.Text.Json;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;
using Modular.Kernel.Runtime.Shims;
using Modular.Kernel.Streams;
using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Containers;

/// <summary>
/// Runs containers through their OCI runtime: start (rootfs mounted, generated /etc files, config.json, create,
/// start), the exit monitor (collects the status as subreaper, drains the output, releases the rootfs), stop, kill.
/// </summary>
public sealed class ContainerRunner(ContainerService containers, Health.HealthMonitors health, ShimLauncher shims, ILogger<ContainerRunner> logger)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // A reattached container may have ended while the daemon was away: its exit is handled only once start-up has
    // re-created the networks, or releasing its endpoint would race the driver taking it back.
    private readonly TaskCompletionSource _startupReconciled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called once start-up reconciliation is over: exits of reattached containers are handled from now on.</summary>
    public void StartupReconciled() => _startupReconciled.TrySetResult();

    private string BundleOf(Container container) => Path.Combine(containers.Config.ExecRoot, "containers", container.Id);

    /// <summary>Starts the container; false when it was already running (HTTP 304).</summary>
    public async Task<bool> StartAsync(string reference, CancellationToken cancellationToken)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (container.State.Status is ContainerStatus.Running or ContainerStatus.Restarting)
            {
                return false;
            }
            if (container.State.Status == ContainerStatus.Paused)
            {
                throw DriverException.Conflict($"cannot start a paused container, try unpause instead");
            }
            if (!ContainerLifecycle.CanApply(container.State.Status, ContainerTransition.Start))
            {
                throw DriverException.Conflict($"cannot start container {container.Name}: it is {container.State.Status.ToApi()}");
            }
            // Only a start asked for clears the stop mark: a policy restart racing `docker stop` must not undo it.
            container.ManuallyStopped = false;
            await LaunchAsync(container, handle, cancellationToken);
            return true;
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    private async Task LaunchAsync(Container container, ContainerHandle handle, CancellationToken cancellationToken)
    {
        await handle.RuntimeReleased.WaitAsync(cancellationToken);
        var storage = containers.Drivers.Storage(container.StorageDriver);
        var runtime = containers.Runtimes.Get(container.Runtime);
        var bundle = BundleOf(container);
        var rootfs = storage.Get(container.LayerId);
        // With nothing to put into its namespace first, the runtime creates and starts the container in one process.
        var startedByRuntime = !containers.Networking.NeedsPlumbingBeforeStart(container);
        ShimSession session;
        try
        {
            var spec = Security.ContainerSecurity.Apply((System.Text.Json.Nodes.JsonObject)BuildSpec(container, rootfs), container.HostConfig, rootfs);
            Directory.CreateDirectory(bundle);
            // Not state: the runtime reads it at once and keeps its own copy, and a daemon that dies before the runtime
            // read it leaves a bundle the next start-up deletes. So no fsync or rename, unlike AtomicFile's writes.
            File.WriteAllBytes(Path.Combine(bundle, "config.json"),
                JsonSerializer.SerializeToUtf8Bytes(spec, new JsonSerializerOptions { WriteIndented = false }));
            session = await CreateInRuntimeAsync(runtime, container, bundle, startedByRuntime, cancellationToken);
        }
        catch (Exception e)
        {
            containers.Mounts.Release(container);
            storage.Put(container.LayerId);
            RecordStartFailure(container, e);
            throw;
        }

        var output = AttachOutput(container, handle, session);
        try
        {
            // Otherwise the init waits for `start`: its namespace is plumbed before the process runs.
            containers.Networking.Attach(container, session.Pid);
            if (!startedByRuntime)
            {
                await runtime.StartAsync(container.Id, cancellationToken);
            }
        }
        catch (Exception e)
        {
            containers.Networking.Detach(container.Id);
            ProcessSyscalls.Signal(session.Pid, Signals.Kill);
            session.WaitForExit();
            await Task.WhenAny(output.Copier, Task.Delay(DrainTimeout, CancellationToken.None));
            output.Close(session);
            shims.Forget(container.Id);
            await runtime.DeleteAsync(container.Id, CancellationToken.None);
            containers.Mounts.Release(container);
            storage.Put(container.LayerId);
            RecordStartFailure(container, e);
            throw;
        }

        container.State.Pid = session.Pid;
        container.State.StartedAt = DateTimeOffset.UtcNow;
        container.State.ExitCode = 0;
        container.State.Error = "";
        container.State.OomKilled = false;
        BeginRun(container, handle, session, output);
        containers.Transition(container, ContainerTransition.Start);
        StartExitMonitor(container, handle, session, output);
    }

    /// <summary>
    /// Takes a container that kept running while the daemon was away back under supervision: its output flows to its
    /// log again, attach and signals work, and its exit is recorded. False when its shim is gone.
    /// </summary>
    public bool Reattach(Container container, out string rootfs)
    {
        rootfs = "";
        ShimSession? session;
        try
        {
            session = shims.TryReattach(container.Id);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not reattach to the shim of {Container}", container.ShortId);
            session = null;
        }
        if (session is null)
        {
            return false;
        }
        var handle = containers.HandleOf(container);
        // The previous daemon's reference on the root filesystem died with it; the run holds one until it exits.
        rootfs = containers.Drivers.Storage(container.StorageDriver).Get(container.LayerId);
        var output = AttachOutput(container, handle, session);
        container.State.Pid = session.Pid;
        BeginRun(container, handle, session, output);
        containers.Store.Save(container);
        StartExitMonitor(container, handle, session, output);
        return true;
    }

    /// <summary>
    /// For a container that ended while the daemon was away: moves what it wrote last, still waiting in its shim's
    /// pipes, into its log, then lets the shim go. Its exit is recorded by the caller.
    /// </summary>
    public async Task CollectLastOutputAsync(Container container)
    {
        ShimSession? session;
        try
        {
            session = shims.TryReattach(container.Id);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not collect the last output of {Container}", container.ShortId);
            return;
        }
        if (session is null)
        {
            return;
        }
        var handle = containers.HandleOf(container);
        var output = AttachOutput(container, handle, session);
        session.Stdin?.Dispose();
        await Task.WhenAny(output.Copier, Task.Delay(DrainTimeout));
        output.Close(session);
        handle.Terminal = null;
        session.Release();
        session.Dispose();
    }

    /// <summary>Connects the run's output to its log and to attached clients, and decides what stdin clients get.</summary>
    private RunOutput AttachOutput(Container container, ContainerHandle handle, ShimSession session)
    {
        var sink = containers.Drivers.Logging(container.LogDriver).CreateSink(LogContextOf(container));
        // With a TTY the container's stdout and stderr are both the terminal, as in Docker: one stream, no stderr.
        var copier = session.Terminal is { } terminal
            ? OutputCopier.CopyAsync(terminal.Stream, Stream.Null, sink, handle.Hub)
            : OutputCopier.CopyAsync(session.Stdout!, session.Stderr!, sink, handle.Hub);
        handle.Terminal = session.Terminal;
        return new RunOutput(sink, copier, container.Config.OpenStdin ? session.Terminal?.Stream ?? session.Stdin : null);
    }

    private void BeginRun(Container container, ContainerHandle handle, ShimSession session, RunOutput output)
    {
        handle.Pid = session.Pid;
        handle.BeginRun(output.Stdin);
        health.Start(container);
    }

    // No thread waits for the exit: the shim's socket is watched with all the others (ShimSession.WaitForExitAsync).
    private void StartExitMonitor(Container container, ContainerHandle handle, ShimSession session, RunOutput output) =>
        _ = MonitorExitAsync(container, handle, session, output);

    private async Task<ShimSession> CreateInRuntimeAsync(OciRuntime runtime, Container container, string bundle, bool start,
        CancellationToken cancellationToken)
    {
        try
        {
            return await shims.CreateAsync(runtime, container.Id, bundle, container.Config.Tty, container.Config.OpenStdin, start, cancellationToken);
        }
        catch (DriverException e) when (e.Message.Contains("exists", StringComparison.Ordinal))
        {
            // State left by a run whose clean-up failed: clear it and try once more.
            await runtime.DeleteAsync(container.Id, cancellationToken);
            return await shims.CreateAsync(runtime, container.Id, bundle, container.Config.Tty, container.Config.OpenStdin, start, cancellationToken);
        }
    }

    private object BuildSpec(Container container, string rootfs)
    {
        var user = UserResolver.Resolve(rootfs, container.Config.User);
        var env = container.Config.Env?.ToList() ?? [];
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            env.Insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        env.Insert(1, $"HOSTNAME={container.Config.Hostname}");
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
        {
            env.Add($"HOME={user.Home}");
        }
        if (container.Config.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
        {
            env.Add("TERM=xterm");
        }

        var cwd = container.Config.WorkingDir.Length > 0 ? container.Config.WorkingDir : "/";
        EnsureWorkingDirectory(rootfs, cwd, user);

        var hostNetwork = containers.UsesHostNetwork(container);
        var shared = Networks.SharedNetworkNamespace.Of(container, containers.Store);
        var folder = shared?.Folder ?? containers.Store.DirectoryOf(container.Id);
        if (shared is null)
        {
            Networks.EtcFiles.ContainerResolution.Write(container, folder, hostNetwork, addresses: [], containers.Networks);
        }
        var binds = new List<BindMount>
        {
            new(ContainerFiles.ResolvConfPath(folder), "/etc/resolv.conf", false),
            new(ContainerFiles.HostnamePath(folder), "/etc/hostname", false),
            new(ContainerFiles.HostsPath(folder), "/etc/hosts", false),
        };
        binds.RemoveAll(b => Mounts.ContainerMountSetup.Covers(container, b.Destination));
        var userMounts = containers.Mounts.Prepare(container, rootfs);

        return OciSpecBuilder.Build(new ContainerSpecInput(
            container.Id,
            rootfs,
            hostNetwork ? Environment.MachineName : shared?.Hostname ?? container.Config.Hostname,
            new ProcessSpec([container.Path, .. container.Args], env, cwd, user, container.Config.Tty,
                ConsoleSize: container.HostConfig.ConsoleSize is [> 0 and var height, > 0 and var width] ? new TerminalSize((ushort)height, (ushort)width) : null),
            hostNetwork,
            binds,
            ReadonlyRootfs: container.HostConfig.ReadonlyRootfs,
            Resources: container.HostConfig,
            UserMounts: userMounts,
            ShmSize: container.HostConfig.ShmSize,
            NetworkNamespacePath: shared?.NamespacePath));
    }

    // Docker creates a missing working directory, owned by the container's user, before the process starts.
    private static void EnsureWorkingDirectory(string rootfs, string cwd, ResolvedUser user)
    {
        var relative = cwd.TrimStart('/');
        if (relative.Length == 0 || relative.Split('/').Contains(".."))
        {
            return;
        }
        var full = Path.Combine(rootfs, relative);
        if (Directory.Exists(full) || File.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            return;
        }
        Directory.CreateDirectory(full);
        Sdk.Syscalls.LinuxSyscalls.LChown(full, user.Uid, user.Gid);
    }

    private void RecordStartFailure(Container container, Exception error)
    {
        var message = error.Message;
        container.State.Error = message;
        container.State.ExitCode = message.Contains("executable file not found", StringComparison.Ordinal)
            || message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
            : message.Contains("permission denied", StringComparison.Ordinal) ? 126 : 128;
        containers.Store.Save(container);
        if (container.HostConfig.AutoRemove)
        {
            ScheduleAutoRemove(container);
        }
    }

    private async Task MonitorExitAsync(Container container, ContainerHandle handle, ShimSession session, RunOutput output)
    {
        var exitCode = await session.WaitForExitAsync();
        await _startupReconciled.Task;
        await BlockingWork.RunAsync(() => RecordExit(container, handle, session, output, exitCode));
    }

    private void RecordExit(Container container, ContainerHandle handle, ShimSession session, RunOutput output, int exitCode)
    {
        containers.Networking.Detach(container.Id);
        Task.WhenAny(output.Copier, Task.Delay(DrainTimeout)).Wait();
        output.Close(session);
        handle.Terminal = null;

        // The runtime's record is deleted after the exit is reported, off the path of `docker run --rm`; the next
        // start of this container waits for it.
        var runtimeReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handle.Lock.Wait();
        try
        {
            handle.RuntimeReleased = runtimeReleased.Task;
            containers.Mounts.Release(container);
            containers.Drivers.Storage(container.StorageDriver).Put(container.LayerId);
            health.Stop(container);
            if (Health.OomKills.Happened(container.Id))
            {
                container.State.OomKilled = true;
                containers.Publish(container, "oom");
            }
            container.State.ExitCode = exitCode < 0 ? 255 : exitCode;
            container.State.Pid = 0;
            container.State.FinishedAt = DateTimeOffset.UtcNow;
            containers.Transition(container, ContainerTransition.Exit,
                attributes: new Dictionary<string, string> { ["exitCode"] = container.State.ExitCode.ToString() });
            handle.EndRun(container.State.ExitCode);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Recording the exit of {Container} failed", container.ShortId);
            handle.EndRun(exitCode);
        }
        finally
        {
            handle.Lock.Release();
        }
        // Only now, with the exit on disk, may the shim forget it.
        session.Release();
        session.Dispose();
        shims.Forget(container.Id);

        if (container.HostConfig.AutoRemove)
        {
            ScheduleAutoRemove(container);
        }
        else if (RestartPolicies.RestartAfterExit(container))
        {
            ScheduleRestart(container, handle);
        }
        try
        {
            containers.Runtimes.Get(container.Runtime).DeleteAsync(container.Id, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not delete runtime state of {Container}", container.ShortId);
        }
        TryDeleteBundle(container);
        runtimeReleased.SetResult();
    }

    private void ScheduleRestart(Container container, ContainerHandle handle)
    {
        var lastRun = (container.State.FinishedAt ?? DateTimeOffset.UtcNow) - (container.State.StartedAt ?? DateTimeOffset.UtcNow);
        var delay = RestartPolicies.NextDelay(handle.RestartDelay, lastRun);
        handle.RestartDelay = delay;
        var cancel = new CancellationTokenSource();
        handle.Lock.Wait();
        try
        {
            handle.PendingRestart = cancel;
            containers.Transition(container, ContainerTransition.Restart, publish: false);
        }
        finally
        {
            handle.Lock.Release();
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, cancel.Token);
                await handle.Lock.WaitAsync(cancel.Token);
                try
                {
                    if (cancel.IsCancellationRequested || container.State.Status != ContainerStatus.Restarting)
                    {
                        return;
                    }
                    handle.PendingRestart = null;
                    container.RestartCount++;
                    await LaunchAsync(container, handle, CancellationToken.None);
                    containers.Publish(container, "restart");
                }
                finally
                {
                    handle.Lock.Release();
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped or removed while waiting.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Restarting {Container} failed", container.ShortId);
                await handle.Lock.WaitAsync();
                try
                {
                    if (container.State.Status == ContainerStatus.Restarting)
                    {
                        containers.Transition(container, ContainerTransition.Exit);
                    }
                }
                finally
                {
                    handle.Lock.Release();
                }
            }
        });
    }

    /// <summary>Cancels a restart the policy scheduled; the container is then simply exited.</summary>
    public async Task CancelPendingRestartAsync(Container container, CancellationToken cancellationToken)
    {
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (handle.PendingRestart is { } pending)
            {
                await pending.CancelAsync();
                handle.PendingRestart = null;
                if (container.State.Status == ContainerStatus.Restarting)
                {
                    containers.Transition(container, ContainerTransition.Exit, publish: false);
                }
            }
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    private void ScheduleAutoRemove(Container container)
    {
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await containers.RemoveAsync(container.Id, force: false, this, CancellationToken.None);
                }
                catch (DriverException e) when (e.Kind == DriverErrorKind.NotFound)
                {
                    // Already removed by the user.
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Auto-removing {Container} failed", container.ShortId);
                }
            });
        }
    }

    private void TryDeleteBundle(Container container)
    {
        try
        {
            var bundle = BundleOf(container);
            if (Directory.Exists(bundle))
            {
                Directory.Delete(bundle, recursive: true);
            }
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not delete the bundle of {Container}", container.ShortId);
        }
    }

    /// <summary>Stops the container: its stop signal, then SIGKILL after the timeout. False when it was not running (HTTP 304).</summary>
    public async Task<bool> StopAsync(string reference, int? timeoutSeconds, string? signal, CancellationToken cancellationToken, bool manual = true)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        if (manual)
        {
            container.ManuallyStopped = true;
            containers.Store.Save(container);
        }
        var wasRestarting = container.State.Status == ContainerStatus.Restarting && handle.PendingRestart is not null;
        await CancelPendingRestartAsync(container, cancellationToken);
        if (!ContainerLifecycle.IsActive(container.State.Status) || handle.Pid == 0)
        {
            return wasRestarting;
        }
        var exited = handle.NextExit;
        var stopSignal = Signals.Parse(signal ?? container.Config.StopSignal, Signals.Term);
        var timeout = timeoutSeconds ?? container.Config.StopTimeout ?? 10;
        var paused = container.State.Status == ContainerStatus.Paused;
        ProcessSyscalls.Signal(handle.Pid, paused ? Signals.Kill : stopSignal);
        if (paused)
        {
            // A frozen process cannot act on any signal, not even die, until its cgroup is thawed.
            await containers.Runtimes.Get(container.Runtime).ResumeAsync(container.Id, cancellationToken);
        }
        if (timeout < 0)
        {
            await exited.WaitAsync(cancellationToken);
            return true;
        }
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(timeout), cancellationToken)) != exited)
        {
            logger.LogInformation("Container {Container} did not stop within {Timeout}s, killing it", container.ShortId, timeout);
            containers.Publish(container, "kill", new Dictionary<string, string> { ["signal"] = Signals.Kill.ToString() });
            ProcessSyscalls.Signal(handle.Pid, Signals.Kill);
            await exited.WaitAsync(cancellationToken);
        }
        containers.Publish(container, "stop");
        return true;
    }

    /// <summary>
    /// `docker update`: stores the new limits and, for a running container, applies them at once through the runtime.
    /// Fields left at zero keep their current value, as in dockerd.
    /// </summary>
    public async Task UpdateAsync(string reference, Modular.Api.Models.Resources changes, Modular.Api.Models.RestartPolicy? restartPolicy, CancellationToken cancellationToken)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            var host = container.HostConfig;
            if (restartPolicy is not null)
            {
                RestartPolicies.Validate(restartPolicy, host.AutoRemove);
                host.RestartPolicy = restartPolicy;
            }
            var updated = new Modular.Api.Models.HostConfig
            {
                Memory = changes.Memory != 0 ? changes.Memory : host.Memory,
                MemorySwap = changes.MemorySwap != 0 ? changes.MemorySwap : host.MemorySwap,
                MemoryReservation = changes.MemoryReservation != 0 ? changes.MemoryReservation : host.MemoryReservation,
                NanoCpus = changes.NanoCpus != 0 ? changes.NanoCpus : host.NanoCpus,
                CpuShares = changes.CpuShares != 0 ? changes.CpuShares : host.CpuShares,
                CpuQuota = changes.CpuQuota != 0 ? changes.CpuQuota : host.CpuQuota,
                CpuPeriod = changes.CpuPeriod != 0 ? changes.CpuPeriod : host.CpuPeriod,
                CpusetCpus = changes.CpusetCpus.Length > 0 ? changes.CpusetCpus : host.CpusetCpus,
                CpusetMems = changes.CpusetMems.Length > 0 ? changes.CpusetMems : host.CpusetMems,
                PidsLimit = changes.PidsLimit is > 0 ? changes.PidsLimit : host.PidsLimit,
                BlkioWeight = changes.BlkioWeight != 0 ? changes.BlkioWeight : host.BlkioWeight,
            };
            ResourceLimits.Validate(updated);
            if (ContainerLifecycle.IsActive(container.State.Status))
            {
                await containers.Runtimes.Get(container.Runtime).UpdateAsync(container.Id, ResourceLimits.Build(updated), cancellationToken);
            }
            host.Memory = updated.Memory;
            host.MemorySwap = updated.MemorySwap;
            host.MemoryReservation = updated.MemoryReservation;
            host.NanoCpus = updated.NanoCpus;
            host.CpuShares = updated.CpuShares;
            host.CpuQuota = updated.CpuQuota;
            host.CpuPeriod = updated.CpuPeriod;
            host.CpusetCpus = updated.CpusetCpus;
            host.CpusetMems = updated.CpusetMems;
            host.PidsLimit = updated.PidsLimit;
            host.BlkioWeight = updated.BlkioWeight;
            containers.Store.Save(container);
            containers.Publish(container, "update");
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    public async Task PauseAsync(string reference, CancellationToken cancellationToken)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (container.State.Status == ContainerStatus.Paused)
            {
                throw DriverException.Conflict($"Container {container.Id} is already paused");
            }
            if (container.State.Status != ContainerStatus.Running)
            {
                throw DriverException.Conflict($"Container {container.Id} is not running");
            }
            await containers.Runtimes.Get(container.Runtime).PauseAsync(container.Id, cancellationToken);
            containers.Transition(container, ContainerTransition.Pause);
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    public async Task UnpauseAsync(string reference, CancellationToken cancellationToken)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (container.State.Status != ContainerStatus.Paused)
            {
                throw DriverException.Conflict($"Container {container.Id} is not paused");
            }
            await containers.Runtimes.Get(container.Runtime).ResumeAsync(container.Id, cancellationToken);
            containers.Transition(container, ContainerTransition.Unpause);
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    /// <summary>
    /// `docker top`: runs the host's ps with the caller's arguments (default -ef) and keeps the rows of the
    /// container's processes, as dockerd does.
    /// </summary>
    public async Task<Modular.Api.Models.ContainerTopResponse> TopAsync(string reference, string? psArgs, CancellationToken cancellationToken)
    {
        var container = containers.Store.Get(reference);
        if (!ContainerLifecycle.IsActive(container.State.Status))
        {
            throw DriverException.Conflict($"Container {container.Id} is not running");
        }
        var pids = (await containers.Runtimes.Get(container.Runtime).ProcessIdsAsync(container.Id, cancellationToken)).ToHashSet();
        return await ProcessTable.ListAsync(psArgs is { Length: > 0 } ? psArgs : "-ef", pids, cancellationToken);
    }

    public Task KillAsync(string reference, string? signal)
    {
        var container = containers.Store.Get(reference);
        var handle = containers.HandleOf(container);
        var number = Signals.Parse(signal, Signals.Kill);
        if (!ContainerLifecycle.IsActive(container.State.Status) || handle.Pid == 0)
        {
            throw DriverException.Conflict($"Cannot kill container: {reference}: container {container.Id} is not running");
        }
        containers.Publish(container, "kill", new Dictionary<string, string> { ["signal"] = number.ToString() });
        ProcessSyscalls.Signal(handle.Pid, number);
        return Task.CompletedTask;
    }

    public async Task KillAndWaitAsync(Container container, CancellationToken cancellationToken)
    {
        var handle = containers.HandleOf(container);
        var exited = handle.NextExit;
        if (handle.Pid != 0 && ProcessSyscalls.Signal(handle.Pid, Signals.Kill))
        {
            containers.Publish(container, "kill", new Dictionary<string, string> { ["signal"] = Signals.Kill.ToString() });
            if (container.State.Status == ContainerStatus.Paused)
            {
                await containers.Runtimes.Get(container.Runtime).ResumeAsync(container.Id, cancellationToken);
            }
            await exited.WaitAsync(cancellationToken);
        }
    }

    public async Task RestartAsync(string reference, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        await StopAsync(reference, timeoutSeconds, signal, cancellationToken);
        await StartAsync(reference, cancellationToken);
        containers.Publish(containers.Store.Get(reference), "restart");
    }

    /// <summary>
    /// Waits as `POST /wait` asks: "not-running" returns at once for a stopped container, "next-exit" waits for the next
    /// exit, "removed" waits until the container is gone.
    /// </summary>
    public async Task<int> WaitAsync(Container container, string condition, CancellationToken cancellationToken)
    {
        var handle = containers.HandleOf(container);
        switch (condition)
        {
            case "" or "not-running":
                if (!ContainerLifecycle.IsActive(container.State.Status))
                {
                    return container.State.ExitCode;
                }
                return OrRecorded(await handle.NextExit.WaitAsync(cancellationToken));
            case "next-exit":
                return OrRecorded(await handle.NextExit.WaitAsync(cancellationToken));
            case "removed":
                var exitCode = ContainerLifecycle.IsActive(container.State.Status) || container.State.Status == ContainerStatus.Created
                    ? await handle.NextExit.WaitAsync(cancellationToken)
                    : container.State.ExitCode;
                await handle.Removed.WaitAsync(cancellationToken);
                return OrRecorded(exitCode);
            default:
                throw DriverException.InvalidArgument($"invalid condition: \"{condition}\"");
        }

        // A container removed while waited for completes the waiters with -1: report its last recorded exit code.
        int OrRecorded(int exitCode) => exitCode < 0 ? container.State.ExitCode : exitCode;
    }

    public LogContext LogContextOf(Container container) =>
        new(container.Id, container.Name, containers.Store.DirectoryOf(container.Id), container.LogOptions);
}
