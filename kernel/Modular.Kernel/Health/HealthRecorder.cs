namespace Modular.Kernel.Health;

/// <summary>
/// Docker's health state machine: a success makes the container healthy and resets the streak; a failure adds to the
/// streak (except while still starting inside the start period) and turns it unhealthy once the streak reaches the
/// retries. The log keeps the last five probes.
/// </summary>
public static class HealthRecorder
{
    public const int KeptProbes = 5;

    public static ContainerHealthState Record(ContainerHealthState current, HealthProbeResult result, DateTimeOffset startedAt, HealthSettings settings)
    {
        var log = current.Log.Skip(Math.Max(0, current.Log.Count + 1 - KeptProbes)).Append(result).ToList();
        if (result.ExitCode == 0)
        {
            return new ContainerHealthState(HealthStatus.Healthy, 0, log);
        }
        var graced = current.Status == HealthStatus.Starting && result.Start - startedAt < settings.StartPeriod;
        if (graced)
        {
            return current with { Log = log };
        }
        var streak = current.FailingStreak + 1;
        return new ContainerHealthState(streak >= settings.Retries ? HealthStatus.Unhealthy : current.Status, streak, log);
    }
}
