using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Health;

/// <summary>
/// One probe loop per running container with a health check: started with the container, stopped when it exits
/// (the status then reads unhealthy, as dockerd leaves it). Each probe's outcome is saved with the container's state
/// and a change of status is published as a `health_status: …` event.
/// </summary>
public sealed class HealthMonitors(ContainerService containers, ExecService execs, ILogger<HealthMonitors> logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _loops = new(StringComparer.Ordinal);
    private readonly ExecProbe _probe = new(execs);

    /// <summary>Resets the health to starting and begins probing; called as the container starts, before its state is saved.</summary>
    public void Start(Container container)
    {
        StopLoop(container);
        var settings = HealthSettings.Of(container.Config.Healthcheck, container.Config.Shell);
        if (settings is null)
        {
            container.State.Health = null;
            return;
        }
        container.State.Health = ContainerHealthState.Starting(container.State.Health);
        var stop = new CancellationTokenSource();
        _loops[container.Id] = stop;
        _ = Task.Run(() => ProbeLoopAsync(container, settings, stop.Token), CancellationToken.None);
    }

    /// <summary>Stops probing as the container exits; the caller saves the state.</summary>
    public void Stop(Container container)
    {
        if (StopLoop(container) && container.State.Health is { } health)
        {
            container.State.Health = health with { Status = HealthStatus.Unhealthy };
        }
    }

    private bool StopLoop(Container container)
    {
        if (!_loops.TryRemove(container.Id, out var stop))
        {
            return false;
        }
        stop.Cancel();
        stop.Dispose();
        return true;
    }

    private async Task ProbeLoopAsync(Container container, HealthSettings settings, CancellationToken stop)
    {
        var startedAt = container.State.StartedAt ?? DateTimeOffset.UtcNow;
        try
        {
            while (true)
            {
                var status = container.State.Health?.Status ?? HealthStatus.Starting;
                await Task.Delay(settings.NextDelay(startedAt, DateTimeOffset.UtcNow, status), stop);
                // dockerd does not probe a paused container; its health stays as it was.
                if (container.State.Status != ContainerStatus.Running)
                {
                    continue;
                }
                var result = await _probe.RunAsync(container, settings, stop);
                await RecordAsync(container, settings, startedAt, result, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The container stopped.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Health monitor of {Container} failed", container.ShortId);
        }
    }

    private async Task RecordAsync(Container container, HealthSettings settings, DateTimeOffset startedAt, HealthProbeResult result, CancellationToken stop)
    {
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(stop);
        try
        {
            if (stop.IsCancellationRequested || container.State.Health is not { } current)
            {
                return;
            }
            var next = HealthRecorder.Record(current, result, startedAt, settings);
            container.State.Health = next;
            containers.Store.Save(container);
            if (next.Status != current.Status)
            {
                containers.Publish(container, $"health_status: {next.Status}");
            }
        }
        finally
        {
            handle.Lock.Release();
        }
    }
}
