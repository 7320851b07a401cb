using Microsoft.Extensions.Logging;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;
using Modular.Kernel.Runtime.Shims;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers;

/// <summary>
/// Brings the persisted containers back to the truth after a start, whatever the previous daemon's end was:
/// containers whose shim still runs are reattached (they kept running, and their output waited in the shim's pipes),
/// the others are marked exited with the status their shim recorded, removals that were under way are finished, and
/// mounts, shims and runtime state that no live container owns are released.
/// </summary>
public sealed class ContainerReconciler(ContainerService containers, ContainerRunner runner, ShimLauncher shims, ILogger<ContainerReconciler> logger)
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

    /// <summary>
    /// First step at start, before networks and volumes are set up: loads the containers and takes back those whose
    /// shim kept them running. Returns them.
    /// </summary>
    public IReadOnlyList<Container> ReattachSurvivors()
    {
        foreach (var problem in containers.Store.LoadAll())
        {
            logger.LogWarning("Ignoring unreadable container state {Problem}", problem);
        }
        var survivors = new List<Container>();
        // A container whose shim already recorded its exit did not survive: it is brought to rest below with the others.
        foreach (var container in containers.Store.All.Where(c => ContainerLifecycle.IsActive(c.State.Status) && shims.RecordedExit(c.Id) is null).ToList())
        {
            if (runner.Reattach(container, out var rootfs))
            {
                survivors.Add(container);
                _survivorRoots.Add(rootfs);
                logger.LogInformation("Reattached {Container}, which kept running while the daemon was away", container.ShortId);
            }
        }
        return survivors;
    }

    private readonly List<string> _survivorRoots = [];

    /// <summary>Second step: everything that did not survive is brought to rest and its leftovers released.</summary>
    public async Task ReconcileAsync(IReadOnlyCollection<Container> survivors, CancellationToken cancellationToken)
    {
        var live = survivors.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var liveRoots = _survivorRoots;
        foreach (var container in containers.Store.All.Where(c => !live.Contains(c.Id)).ToList())
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
        ReleaseUnclaimedShims(live);

        foreach (var runtime in containers.Runtimes.All)
        {
            foreach (var id in runtime.ListIds().Where(id => !live.Contains(id)))
            {
                await runtime.DeleteAsync(id, cancellationToken);
            }
        }

        // Every other mount below data-root is a leftover of the previous daemon. The data-root itself may be a mount
        // of its own (a dedicated disk, a btrfs or zfs filesystem): that one is the host's, not ours. Volumes are the
        // volume store's to reconcile: it knows which ones the live containers use.
        var dataRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(containers.Config.DataRoot));
        var volumes = Path.Combine(dataRoot, "volumes") + "/";
        foreach (var mountPoint in MountTable.MountPointsUnder(dataRoot)
                     .Where(m => m != dataRoot && !m.StartsWith(volumes, StringComparison.Ordinal) && !liveRoots.Any(root => IsAtOrBelow(m, root)))
                     .OrderByDescending(m => m.Length))
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
            foreach (var bundle in Directory.GetDirectories(bundles).Where(b => !live.Contains(Path.GetFileName(b))))
            {
                Directory.Delete(bundle, recursive: true);
            }
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

    /// <summary>
    /// Shims no live container claims (their container was removed, or its record was lost) would keep a container
    /// running unseen: kill what they hold, let them go, and drop their state.
    /// </summary>
    private void ReleaseUnclaimedShims(HashSet<string> live)
    {
        var root = Path.Combine(containers.Config.ExecRoot, "shims");
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var directory in Directory.GetDirectories(root))
        {
            var id = Path.GetFileName(directory);
            if (live.Contains(id))
            {
                continue;
            }
            try
            {
                using var session = ShimSession.TryAttach(directory);
                if (session is not null)
                {
                    logger.LogWarning("Stopping container process {Pid} of unclaimed shim {Id}", session.Pid, id[..Math.Min(12, id.Length)]);
                    ProcessSyscalls.Signal(session.Pid, Signals.Kill);
                    session.WaitForExit();
                    session.Release();
                }
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not release the shim state {Directory}", directory);
            }
            shims.Forget(id);
        }
    }

    private static bool IsAtOrBelow(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    private async Task EndOrphanedRunAsync(Container container, CancellationToken cancellationToken)
    {
        // The container ended while the daemon was away, and its shim wrote down how; what it said last may still
        // wait in the shim's pipes.
        if (shims.RecordedExit(container.Id) is { } recorded)
        {
            await runner.CollectLastOutputAsync(container);
            await containers.Runtimes.Get(container.Runtime).DeleteAsync(container.Id, cancellationToken);
            container.State.ExitCode = recorded;
            container.State.Pid = 0;
            container.State.FinishedAt = DateTimeOffset.UtcNow;
            containers.Transition(container, ContainerTransition.Exit,
                attributes: new Dictionary<string, string> { ["exitCode"] = recorded.ToString() });
            shims.Forget(container.Id);
            return;
        }
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
