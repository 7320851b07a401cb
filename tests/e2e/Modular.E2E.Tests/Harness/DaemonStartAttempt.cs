namespace Modular.E2E.Tests.Harness;

/// <summary>
/// Runs modulard in the foreground on fully private roots below a given folder and waits for it to exit: for the
/// configurations it must refuse. Should it wrongly start, it is killed at the timeout, which the result reports.
/// </summary>
public static class DaemonStartAttempt
{
    public static async Task<CommandResult> RunAsync(string root, IEnumerable<string> extraArguments)
    {
        // An empty config file of our own, and private roots: a daemon that wrongly starts must not touch the host's.
        var configFile = Path.Combine(root, "daemon.json");
        await File.WriteAllTextAsync(configFile, "{}\n");
        return await CommandRunner.RunAsync(
            RepoLayout.Daemon,
            [
                "-H", "unix://" + Path.Combine(root, "modulard.sock"),
                "--data-root", Path.Combine(root, "data"),
                "--exec-root", Path.Combine(root, "exec"),
                "--pidfile", Path.Combine(root, "modulard.pid"),
                "--config-file", configFile,
                .. extraArguments,
            ],
            timeout: TimeSpan.FromSeconds(20));
    }

    /// <summary>The runc state folder of a daemon started by <see cref="RunAsync"/>, for <see cref="RootSweeper"/>.</summary>
    public static string RuncStateRoot(string root) => Path.Combine(root, "exec", "runtime", "runc");
}
