using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>
/// --init: the host's tini is bind-mounted read-only at /sbin/docker-init (dockerd's name for it) and runs as PID 1,
/// forwarding signals to the command and reaping orphaned zombies.
/// </summary>
public static class InitProcess
{
    public const string ContainerPath = "/sbin/docker-init";

    // docker-init is what Debian's docker.io links to tini-static; a static binary runs in any image.
    private static readonly string[] Candidates = ["docker-init", "tini-static", "tini"];

    public static string HostBinary()
    {
        var path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } value ? value : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var name in Candidates)
        {
            foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw DriverException.InvalidArgument("--init needs tini on the daemon's host (docker-init, tini-static or tini on its PATH; Debian package 'tini')");
    }

    public static IReadOnlyList<string> Wrap(IEnumerable<string> args) => [ContainerPath, "--", .. args];
}
