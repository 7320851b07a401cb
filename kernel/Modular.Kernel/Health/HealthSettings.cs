using Modular.Api.Models;

namespace Modular.Kernel.Health;

/// <summary>
/// A container's health check with Docker's defaults filled in (interval and timeout 30s, start interval 5s, 3 retries)
/// and its test turned into the command a probe runs.
/// </summary>
public sealed record HealthSettings(
    IReadOnlyList<string> Command,
    TimeSpan Interval,
    TimeSpan Timeout,
    TimeSpan StartPeriod,
    TimeSpan StartInterval,
    int Retries)
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);
    private const int DefaultRetries = 3;
    private static readonly string[] DefaultShell = ["/bin/sh", "-c"];

    /// <summary>
    /// The settings of a check that runs, or null: no Test, an empty one, NONE (--no-healthcheck) or an unknown kind
    /// mean no monitor, as in dockerd. CMD runs its arguments; CMD-SHELL runs its one string with the container's shell.
    /// </summary>
    public static HealthSettings? Of(HealthConfig? config, IReadOnlyList<string>? shell)
    {
        if (config?.Test is not [var kind, _, ..] test)
        {
            return null;
        }
        IReadOnlyList<string>? command = kind switch
        {
            "CMD" => test.Skip(1).ToList(),
            "CMD-SHELL" => [.. shell is { Count: > 0 } ? shell : DefaultShell, .. test.Skip(1)],
            _ => null,
        };
        if (command is null)
        {
            return null;
        }
        return new HealthSettings(
            command,
            OrDefault(config.Interval, DefaultInterval),
            OrDefault(config.Timeout, DefaultTimeout),
            OrDefault(config.StartPeriod, TimeSpan.Zero),
            OrDefault(config.StartInterval, DefaultStartInterval),
            config.Retries > 0 ? config.Retries : DefaultRetries);
    }

    private static TimeSpan OrDefault(long nanoseconds, TimeSpan fallback) =>
        nanoseconds > 0 ? TimeSpan.FromTicks(nanoseconds / 100) : fallback;

    /// <summary>
    /// Docker's wait before the next probe: the start interval while still starting inside the start period, the
    /// interval otherwise.
    /// </summary>
    public TimeSpan NextDelay(DateTimeOffset startedAt, DateTimeOffset now, string status) =>
        now - startedAt < StartPeriod && status == HealthStatus.Starting ? StartInterval : Interval;
}
