using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Containers;

/// <summary>
/// Docker's restart policies: no, always, unless-stopped, on-failure[:N]; the decision after an exit, at daemon start,
/// and the growing back-off (100 ms doubling up to a minute, reset once a run lasted 10 s).
/// </summary>
public static class RestartPolicies
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SuccessfulRun = TimeSpan.FromSeconds(10);

    public static void Validate(RestartPolicy policy, bool autoRemove)
    {
        switch (policy.Name)
        {
            case "" or "no":
                break;
            case "always" or "unless-stopped":
                if (policy.MaximumRetryCount != 0)
                {
                    throw DriverException.InvalidArgument($"invalid restart policy: maximum retry count can only be used with 'on-failure'");
                }
                break;
            case "on-failure":
                if (policy.MaximumRetryCount < 0)
                {
                    throw DriverException.InvalidArgument("invalid restart policy: maximum retry count must be a positive integer");
                }
                break;
            default:
                throw DriverException.InvalidArgument($"invalid restart policy: unknown policy '{policy.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }
        if (autoRemove && policy.Name is not ("" or "no"))
        {
            throw DriverException.InvalidArgument("can't create 'AutoRemove' container with restart policy");
        }
    }

    /// <summary>Whether a container that just exited on its own should be started again.</summary>
    public static bool RestartAfterExit(Container container) =>
        !container.ManuallyStopped && container.HostConfig.RestartPolicy switch
        {
            { Name: "always" or "unless-stopped" } => true,
            { Name: "on-failure", MaximumRetryCount: var max } => container.State.ExitCode != 0 && (max == 0 || container.RestartCount < max),
            _ => false,
        };

    /// <summary>Whether the daemon starts the container when it itself starts.</summary>
    public static bool RestartAtDaemonStart(Container container) => container.HostConfig.RestartPolicy.Name switch
    {
        "always" => true,
        "unless-stopped" => !container.ManuallyStopped,
        "on-failure" => !container.ManuallyStopped && container.State.ExitCode != 0
            && (container.HostConfig.RestartPolicy.MaximumRetryCount == 0 || container.RestartCount < container.HostConfig.RestartPolicy.MaximumRetryCount),
        _ => false,
    };

    /// <summary>The wait before the next restart, given the previous one and how long the last run lasted.</summary>
    public static TimeSpan NextDelay(TimeSpan previous, TimeSpan lastRun)
    {
        if (lastRun >= SuccessfulRun || previous == TimeSpan.Zero)
        {
            return FirstDelay;
        }
        var doubled = previous * 2;
        return doubled > LongestDelay ? LongestDelay : doubled;
    }
}
