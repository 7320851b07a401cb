using Modular.Api.Models;
using Modular.Kernel.Images;

namespace Modular.Kernel.Health;

/// <summary>dockerd's merge of the request's health check with the image's: each field left unset comes from the image.</summary>
public static class HealthcheckMerge
{
    public static HealthConfig? Merge(HealthConfig? user, ImageHealthcheck? image)
    {
        if (image is null)
        {
            return user;
        }
        var merged = user ?? new HealthConfig();
        return new HealthConfig
        {
            Test = merged.Test is { Count: > 0 } ? merged.Test : image.Test?.ToList(),
            Interval = merged.Interval != 0 ? merged.Interval : image.Interval,
            Timeout = merged.Timeout != 0 ? merged.Timeout : image.Timeout,
            StartPeriod = merged.StartPeriod != 0 ? merged.StartPeriod : image.StartPeriod,
            StartInterval = merged.StartInterval != 0 ? merged.StartInterval : image.StartInterval,
            Retries = merged.Retries != 0 ? merged.Retries : image.Retries,
        };
    }
}
