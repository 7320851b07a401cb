using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Kills its own daemon with SIGKILL, so it never shares one.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task AfterSigkillTheRestartedDaemonReportsTrueStatesAndLeavesNoStaleMounts()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var running = Names.Unique("running");
        var created = Names.Unique("created");
        var exited = Names.Unique("exited");
        await MustSucceed(daemon.Docker("run", "-d", "--name", running, "busybox", "sleep", "300"));
        await MustSucceed(daemon.Docker("create", "--name", created, "busybox", "true"));
        await MustSucceed(daemon.Docker("run", "--name", exited, "busybox", "true"));
        var runningPid = int.Parse((await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Pid}}", running))).Stdout.Trim());
        var runningId = (await MustSucceed(daemon.Docker("inspect", "--format", "{{.Id}}", running))).Stdout.Trim();
        var runningMounts = MountTable.Below(daemon.DataRoot).Select(mount => mount.MountPoint).ToHashSet();
        Assert.True(runningPid > 0, $"running container reports pid {runningPid}");

        await daemon.KillAsync();
        await daemon.StartAsync();

        var ps = await MustSucceed(daemon.Docker("ps", "-a", "--format", "{{.Names}} {{.State}}"));
        var states = ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
        Assert.True(states.Count == 3, ps.ToString());
        Assert.Equal("created", states.GetValueOrDefault(created));
        Assert.Equal("exited", states.GetValueOrDefault(exited));
        Assert.True(states.ContainsKey(running), ps.ToString());
        var stillAlive = IsAlive(runningPid);
        if (stillAlive)
        {
            Assert.Equal("running", states[running]);
        }
        else
        {
            Assert.NotEqual("running", states[running]);
        }

        // Stopped containers own no mounts; the running one may keep the ones it had before the crash.
        var allowed = stillAlive ? runningMounts : [];
        var stale = MountTable.Below(daemon.DataRoot)
            .Where(mount => IsContainerMount(daemon.DataRoot, mount.MountPoint) && !allowed.Contains(mount.MountPoint))
            .Select(mount => $"{mount.MountPoint} ({mount.FileSystemType})")
            .ToList();
        Assert.True(stale.Count == 0, $"mounts left for stopped containers (running {runningId} alive: {stillAlive}):\n" + string.Join('\n', stale));
    }

    /// <summary>A driver may keep its own home (data-root/overlay2) mounted; only deeper mounts belong to a container.</summary>
    private static bool IsContainerMount(string dataRoot, string mountPoint) =>
        Path.GetRelativePath(dataRoot, mountPoint).Count(character => character == '/') >= 1;

    /// <summary>Alive means present and not a zombie waiting for a reaper.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return !status.Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains("zombie"));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
