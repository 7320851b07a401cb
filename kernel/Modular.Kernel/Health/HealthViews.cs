using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Health;

/// <summary>How health shows on the wire: State.Health in inspect, the ps status suffix and the `health` filter.</summary>
public static class HealthViews
{
    /// <summary>" (healthy)", " (unhealthy)" or " (health: starting)" after "Up …" of a running container, as dockerd prints.</summary>
    public static string StatusSuffix(Container container) =>
        container.State.Status == ContainerStatus.Running && container.State.Health is { } health
            ? health.Status == HealthStatus.Starting ? " (health: starting)" : $" ({health.Status})"
            : "";

    public static ContainerHealth? Inspect(ContainerHealthState? health) => health is null ? null : new ContainerHealth
    {
        Status = health.Status,
        FailingStreak = health.FailingStreak,
        Log = health.Log.Select(r => new HealthcheckResult
        {
            Start = Time(r.Start),
            End = Time(r.End),
            ExitCode = r.ExitCode,
            Output = r.Output,
        }).ToList(),
    };

    public static void ValidateFilter(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            if (!HealthStatus.IsKnown(value))
            {
                throw DriverException.InvalidArgument($"Unrecognised filter value for health: {value}");
            }
        }
    }

    public static string FilterValue(Container container) => container.State.Health?.Status ?? HealthStatus.None;

    // RFC 3339 with nanosecond precision, as the other times of inspect.
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z");
}
