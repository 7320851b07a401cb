using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// Runs a commit of a container's writable layer the way dockerd does: a running container is paused first (unless
/// the caller asked not to) so its files do not change while the diff is read, and unpaused afterwards whatever
/// happened; a container being removed or dead cannot be committed.
/// </summary>
public static class ContainerCommit
{
    public static async Task<string> RunAsync(ContainerService containers, ContainerRunner runner, Container container, bool pause,
        Func<Task<string>> commit)
    {
        if (container.State.Status is ContainerStatus.Removing or ContainerStatus.Dead)
        {
            throw DriverException.Conflict($"You cannot commit container {container.Id} which is being removed");
        }
        var paused = false;
        if (pause && container.State.Status == ContainerStatus.Running)
        {
            try
            {
                await runner.PauseAsync(container.Id, CancellationToken.None);
                paused = true;
            }
            catch (DriverException e) when (e.Kind == DriverErrorKind.Conflict)
            {
                // It stopped or was paused by someone else meanwhile: either way its files are not changing under us
                // through this pause, and the unpause below must not undo someone else's.
            }
        }
        try
        {
            return await commit();
        }
        finally
        {
            if (paused)
            {
                try
                {
                    await runner.UnpauseAsync(container.Id, CancellationToken.None);
                }
                catch (DriverException e) when (e.Kind == DriverErrorKind.Conflict)
                {
                    // Killed or stopped while paused: nothing left to unpause.
                }
            }
        }
    }
}
