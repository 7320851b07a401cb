using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A third-party driver as a new user meets it: the packed sample installed with <c>modular plugin install</c> (usable at
/// once with --log-driver), selected in daemon.json, active after a restart, <c>docker logs</c> served through it, verified by
/// <c>modular driver verify</c>; broken packages refused or disabled with their reason while the daemon keeps serving.
/// </summary>
public sealed class PluginInstallTests
{
    private const string Sqlite = "Acme.Logging.Sqlite";

    [Fact]
    public async Task TheSampleSqliteDriverInstalledAndSelectedServesDockerLogsAndPassesVerify()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();

        var install = await MustSucceed(daemon.Modular("plugin", "install", PluginPackages.PathOf(PluginPackages.Sqlite)));
        Assert.Contains($"Installed plugin {Sqlite} 1.2.0: logging/sqlite", install.Stdout);
        Assert.Matches($@"{Sqlite}\s+1\.2\.0\s+true\s+active\s+logging/sqlite", (await MustSucceed(daemon.Modular("plugin", "ls"))).Stdout);
        var live = Names.Unique("sqlite-live");
        await MustSucceed(daemon.Docker("run", "--name", live, "--log-driver", "sqlite", "--network", "none", "busybox", "echo", "installed without a restart"));
        Assert.Equal("installed without a restart\n", (await MustSucceed(daemon.Docker("logs", live))).Stdout);
        await MustSucceed(daemon.Docker("rm", live));

        File.WriteAllText(Path.Combine(daemon.Root, "daemon.json"), "{ \"log-driver\": \"sqlite\" }\n");
        await daemon.StopAsync();
        await daemon.StartAsync();

        var list = (await MustSucceed(daemon.Modular("plugin", "ls"))).Stdout;
        Assert.Matches($@"{Sqlite}\s+1\.2\.0\s+true\s+active\s+logging/sqlite", list);
        var container = Names.Unique("sqlite-logs");
        await MustSucceed(daemon.Docker("run", "--name", container, "--network", "none", "busybox", "sh", "-c", "echo to stdout; echo to stderr >&2"));
        var logs = await MustSucceed(daemon.Docker("logs", container));
        Assert.Equal("to stdout\n", logs.Stdout);
        Assert.Equal("to stderr\n", logs.Stderr);
        var id = (await MustSucceed(daemon.Docker("inspect", "--format", "{{.Id}} {{.HostConfig.LogConfig.Type}}", container))).Stdout.Trim().Split(' ');
        Assert.Equal("sqlite", id[1]);
        Assert.True(File.Exists(Path.Combine(daemon.DataRoot, "containers", id[0], "container-logs.sqlite")), "the logs are not in the driver's database");
        Assert.Contains("sqlite", (await MustSucceed(daemon.Docker("info", "--format", "{{json .Plugins.Log}}"))).Stdout);

        var verify = await daemon.Modular("driver", "verify", Sqlite);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Matches(@"\d+ passed, 0 failed, 0 skipped", verify.Stdout);
        Assert.Contains("PASS  Follow streams new messages and ends when the writer closes", verify.Stdout);

        var remove = await daemon.Modular("plugin", "rm", Sqlite);
        Assert.True(remove.ExitCode == 1, remove.ToString());
        Assert.Contains("in use by the daemon's log-driver setting", remove.Stderr);
        await MustSucceed(daemon.Docker("rm", container));
    }

    [Fact]
    public async Task BrokenPackagesAreRefusedOrDisabledWithTheirReasonWhileTheDaemonKeepsServing()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();

        var newerSdk = await daemon.Modular("plugin", "install", PluginPackages.WithNewerSdk(daemon.Root));
        Assert.True(newerSdk.ExitCode == 1, newerSdk.ToString());
        Assert.Contains("built against Modular.Sdk 0.99.0", newerSdk.Stderr);
        var missing = await daemon.Modular("plugin", "install", PluginPackages.WithoutDependency(daemon.Root));
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("depends on SQLitePCLRaw.core", missing.Stderr);
        Assert.Contains("missing dependency", missing.Stderr);
        var verifyBroken = await daemon.Modular("driver", "verify", PluginPackages.WithoutDependency(daemon.Root));
        Assert.True(verifyBroken.ExitCode != 0, verifyBroken.ToString());
        Assert.Contains("missing dependency", verifyBroken.Stderr);

        var throws = await daemon.Modular("plugin", "install", PluginPackages.PathOf(PluginPackages.ThrowsInRegister));
        Assert.True(throws.ExitCode == 1, throws.ToString());
        Assert.Contains("was installed but failed to load and is disabled", throws.Stderr);
        Assert.Contains("refuses to register", throws.Stderr);
        var list = (await MustSucceed(daemon.Modular("plugin", "ls"))).Stdout;
        Assert.Matches(@"Acme\.Test\.ThrowsInRegister\s+1\.0\.0\s+false\s+disabled: .*refuses to register", list);
        var info = await MustSucceed(daemon.Docker("info"));
        Assert.Contains("WARNING: plugin Acme.Test.ThrowsInRegister failed to load and was disabled", info.Stdout + info.Stderr);
        var run = await MustSucceed(daemon.Docker("run", "--rm", "--network", "none", "busybox", "echo", "still serving"));
        Assert.Equal("still serving\n", run.Stdout);

        await daemon.StopAsync();
        await daemon.StartAsync();
        var infoAfterRestart = await MustSucceed(daemon.Docker("info"));
        Assert.Contains("WARNING: plugin Acme.Test.ThrowsInRegister is disabled: Acme.Test.ThrowsInRegister refuses to register", infoAfterRestart.Stdout + infoAfterRestart.Stderr);
        Assert.Equal("still serving\n", (await MustSucceed(daemon.Docker("run", "--rm", "--network", "none", "busybox", "echo", "still serving"))).Stdout);
        Assert.Equal("Acme.Test.ThrowsInRegister\n", (await MustSucceed(daemon.Modular("plugin", "rm", "Acme.Test.ThrowsInRegister"))).Stdout);
        Assert.Equal("", (await MustSucceed(daemon.Modular("plugin", "ls", "-q"))).Stdout);
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
