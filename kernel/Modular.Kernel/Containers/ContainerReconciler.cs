using Microsoft.Extensions.Logging;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers;

/// <summary>
/// Brings the persisted containers back to the truth after a start, whatever the previous daemon's end was:
/// containers recorded as running are stopped and marked exited (their stdio died with the old daemon), removals
/// that were under way are finished, and mounts and runtime state that no live container owns are released.
/// </summary>
public sealed class ContainerReconciler(ContainerService containers, ContainerRunner runner, ILogger<ContainerReconciler> logger)
{
    /// <summary>Starts the containers whose restart policy asks for it, once the daemon is ready (as dockerd does).</summary>
    public async Task RestartByPolicyAsync(CancellationToken cancellationToken)
    {
        foreach (var container in containers.Store.All.Where(c => c.State.Status == ContainerStatus.Exited && RestartPolicies.RestartAtDaemonStart(c)).ToList())
        {
            try
            {
                await runner.StartAsync(container.Id, cancellationToken);
                logger.LogInformation("Started {Container} for its restart policy {Policy}", container.ShortId, container.HostConfig.RestartPolicy.Name);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Starting {Container} for its restart policy failed", container.ShortId);
            }
        }
    }

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var problem in containers.Store.LoadAll())
        {
            logger.LogWarning("Ignoring unreadable container state {Problem}", problem);
        }

        foreach (var container in containers.Store.All.ToList())
        {
            if (container.State.Status == ContainerStatus.Restarting)
            {
                // A restart was pending when the daemon died: the container is exited; its policy decides below.
                containers.Transition(container, ContainerTransition.Exit, publish: false);
            }
            else if (ContainerLifecycle.IsActive(container.State.Status))
            {
                await EndOrphanedRunAsync(container, cancellationToken);
            }
        }

        foreach (var runtime in containers.Runtimes.All)
        {
            foreach (var id in runtime.ListIds())
            {
                await runtime.DeleteAsync(id, cancellationToken);
            }
        }

        // Nothing runs now, so every mount below data-root is a leftover of the previous daemon. The data-root itself
        // may be a mount of its own (a dedicated disk, a btrfs or zfs filesystem): that one is the host's, not ours.
        var dataRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(containers.Config.DataRoot));
        foreach (var mountPoint in MountTable.MountPointsUnder(dataRoot).Where(m => m != dataRoot).OrderByDescending(m => m.Length))
        {
            try
            {
                LinuxSyscalls.Unmount(mountPoint);
            }
            catch (SyscallException e)
            {
                logger.LogWarning("Could not unmount leftover {MountPoint}: {Error}", mountPoint, e.Message);
            }
        }
        containers.Mounts.Reconcile();
        var bundles = Path.Combine(containers.Config.ExecRoot, "containers");
        if (Directory.Exists(bundles))
        {
            Directory.Delete(bundles, recursive: true);
        }

        foreach (var container in containers.Store.All.ToList())
        {
            if (container.State.Status == ContainerStatus.Removing
                || (container.HostConfig.AutoRemove && container.State.Status is ContainerStatus.Exited or ContainerStatus.Dead))
            {
                if (container.State.Status == ContainerStatus.Removing)
                {
                    container.State.Status = ContainerStatus.Dead;
                }
                await containers.RemoveAsync(container.Id, force: true, runner, cancellationToken);
            }
        }
    }

    private async Task EndOrphanedRunAsync(Container container, CancellationToken cancellationToken)
    {
        var alive = BelongsTo(container.State.Pid, container.Id);
        if (alive)
        {
            ProcessSyscalls.Signal(container.State.Pid, Signals.Kill);
            for (var i = 0; i < 50 && ProcessSyscalls.IsAlive(container.State.Pid); i++)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
        await containers.Runtimes.Get(container.Runtime).DeleteAsync(container.Id, cancellationToken);
        container.State.ExitCode = alive ? 128 + Signals.Kill : 255;
        container.State.Error = alive
            ? "the daemon restarted while the container ran; it was stopped because its output could not be reattached"
            : "the container's process was gone when the daemon restarted";
        container.State.Pid = 0;
        container.State.FinishedAt = DateTimeOffset.UtcNow;
        containers.Transition(container, ContainerTransition.Exit,
            attributes: new Dictionary<string, string> { ["exitCode"] = container.State.ExitCode.ToString() });
        logger.LogInformation("Container {Container} was running when the daemon stopped: now exited ({ExitCode})",
            container.ShortId, container.State.ExitCode);
    }

    // A recorded pid may have been reused after a reboot: only a process in the container's cgroup is the container.
    private static bool BelongsTo(int pid, string containerId)
    {
        if (pid <= 0)
        {
            return false;
        }
        try
        {
            return File.ReadAllText($"/proc/{pid}/cgroup").Contains(containerId, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
