using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>--ulimit as the spec's process.rlimits, with dockerd's validation.</summary>
public static class ProcessLimits
{
    private static readonly HashSet<string> Names =
    [
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
        "rtprio", "rttime", "sigpending", "stack",
    ];

    public static void Validate(IReadOnlyList<Ulimit>? ulimits)
    {
        foreach (var ulimit in ulimits ?? [])
        {
            if (!Names.Contains(ulimit.Name))
            {
                throw DriverException.InvalidArgument($"invalid ulimit type: {ulimit.Name}");
            }
            if (ulimit.Soft > ulimit.Hard && ulimit.Hard != -1)
            {
                throw DriverException.InvalidArgument($"ulimit soft limit must be less than or equal to hard limit: {ulimit.Soft} > {ulimit.Hard}");
            }
        }
    }

    public static JsonArray ToRlimits(IReadOnlyList<Ulimit> ulimits) =>
        new(ulimits.Select(u => (JsonNode)new JsonObject
        {
            ["type"] = "RLIMIT_" + u.Name.ToUpperInvariant(),
            ["hard"] = Unlimited(u.Hard),
            ["soft"] = Unlimited(u.Soft),
        }).ToArray());

    // -1 is Docker's "unlimited", RLIM_INFINITY to the kernel.
    private static ulong Unlimited(long value) => value < 0 ? ulong.MaxValue : (ulong)value;
}
