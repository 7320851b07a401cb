using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Health;

/// <summary>dockerd's checks of a create request's health check (daemon/container.go), with its messages.</summary>
public static class HealthConfigValidator
{
    // Docker's containertypes.MinimumDuration: 1ms, in nanoseconds.
    private const long MinimumNanoseconds = 1_000_000;

    public static void Validate(HealthConfig? config)
    {
        if (config is null)
        {
            return;
        }
        BelowMinimum(config.Interval, "Interval");
        BelowMinimum(config.Timeout, "Timeout");
        if (config.Retries < 0)
        {
            throw DriverException.InvalidArgument("Retries in Healthcheck cannot be negative");
        }
        BelowMinimum(config.StartPeriod, "StartPeriod");
        BelowMinimum(config.StartInterval, "StartInterval");
    }

    private static void BelowMinimum(long nanoseconds, string field)
    {
        if (nanoseconds != 0 && nanoseconds < MinimumNanoseconds)
        {
            throw DriverException.InvalidArgument($"{field} in Healthcheck cannot be less than 1ms");
        }
    }
}
