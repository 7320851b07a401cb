using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

public sealed class DaemonConfigTests
{
    [Fact]
    public async Task UnknownDaemonJsonKeyStopsTheDaemonAndIsNamed()
    {
        var root = TempRoot.Create();
        try
        {
            var configFile = Path.Combine(root, "daemon.json");
            await File.WriteAllTextAsync(configFile, "{\"bogus-key\": 1}\n", TestContext.Current.CancellationToken);

            // Fully private roots: should the daemon wrongly start, it must not touch the host's /var/lib/modular.
            var start = await CommandRunner.RunAsync(
                RepoLayout.Daemon,
                [
                    "-H", "unix://" + Path.Combine(root, "modulard.sock"),
                    "--data-root", Path.Combine(root, "data"),
                    "--exec-root", Path.Combine(root, "exec"),
                    "--pidfile", Path.Combine(root, "modulard.pid"),
                    "--config-file", configFile,
                ],
                timeout: TimeSpan.FromSeconds(20));

            Assert.False(start.TimedOut, "modulard kept running with an unknown daemon.json key\n" + start);
            Assert.True(start.ExitCode != 0, start.ToString());
            Assert.Contains("bogus-key", start.Stderr);
        }
        finally
        {
            var problems = await RootSweeper.SweepAsync(root, [Path.Combine(root, "exec", "runtime", "runc")]);
            Assert.Empty(problems);
        }
    }
}
