namespace Modular.Kernel.Health;

/// <summary>Docker's health status names, as inspect, ps and the health filter spell them.</summary>
public static class HealthStatus
{
    public const string None = "none";
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    public static bool IsKnown(string value) => value is None or Starting or Healthy or Unhealthy;
}

/// <summary>One probe as inspect's State.Health.Log shows it. ExitCode -1 is a probe that could not run or timed out.</summary>
public sealed record HealthProbeResult(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);

/// <summary>
/// A container's health, persisted with its state. Never mutated once published: each probe builds the next value, so
/// saving the container on another thread always serializes a consistent one.
/// </summary>
public sealed record ContainerHealthState(string Status, int FailingStreak, IReadOnlyList<HealthProbeResult> Log)
{
    public static ContainerHealthState Starting(ContainerHealthState? previous) =>
        new(HealthStatus.Starting, 0, previous?.Log ?? []);
}
