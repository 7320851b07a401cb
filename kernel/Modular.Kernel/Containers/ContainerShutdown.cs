using Microsoft.Extensions.Logging;

namespace Modular.Kernel.Containers;

/// <summary>
/// On a clean daemon shutdown, stops running containers with their stop timeout as dockerd does without live-restore,
/// so no container is left running with nobody reading its output.
/// </summary>
public sealed class ContainerShutdown(ContainerService containers, ContainerRunner runner, ILogger<ContainerShutdown> logger)
{
    public async Task StopAllAsync()
    {
        var running = containers.Store.All.Where(c => ContainerLifecycle.IsActive(c.State.Status)).ToList();
        if (running.Count == 0)
        {
            return;
        }
        logger.LogInformation("Stopping {Count} running containers", running.Count);
        await Task.WhenAll(running.Select(async c =>
        {
            try
            {
                await runner.StopAsync(c.Id, timeoutSeconds: null, signal: null, CancellationToken.None, manual: false);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Stopping {Container} failed", c.ShortId);
            }
        }));
    }
}
