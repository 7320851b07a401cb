using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Kills its own daemon with SIGKILL, so it never shares one.</summary>
public sealed class VolumeRestartTests
{
    [Fact]
    public async Task AfterSigkillEveryVolumeIsIntactAndNoVolumeMountIsLeft()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var named = Names.Unique("kept");
        var tmpfs = Names.Unique("tmpfsvol");
        var user = Names.Unique("user");
        await MustSucceed(daemon.Docker("volume", "create", "--label", "keep=yes", named));
        await MustSucceed(daemon.Docker("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", tmpfs));
        await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{named}:/d", "busybox", "sh", "-c", "echo survives > /d/f"));
        await MustSucceed(daemon.Docker("run", "-d", "--name", user, "-v", $"{tmpfs}:/t", "busybox", "sleep", "300"));
        var tmpfsData = Path.Combine(daemon.DataRoot, "volumes", tmpfs, "_data");
        Assert.Contains(MountTable.Below(daemon.DataRoot), m => m.MountPoint == tmpfsData);

        await daemon.KillAsync();
        await daemon.StartAsync();

        var read = await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{named}:/d", "busybox", "cat", "/d/f"));
        var label = await MustSucceed(daemon.Docker("volume", "inspect", "-f", "{{.Labels.keep}}", named));
        var options = await MustSucceed(daemon.Docker("volume", "inspect", "-f", "{{.Options.type}}", tmpfs));
        Assert.Equal("survives\n", read.Stdout);
        Assert.Equal("yes\n", label.Stdout);
        Assert.Equal("tmpfs\n", options.Stdout);
        var running = (await MustSucceed(daemon.Docker("inspect", "-f", "{{.State.Running}}", user))).Stdout.Trim();
        if (running != "true")
        {
            // Its container no longer runs: the tmpfs volume's mount must not outlive it.
            Assert.DoesNotContain(MountTable.Below(daemon.DataRoot), m => m.MountPoint == tmpfsData);
        }
        await MustSucceed(daemon.Docker("rm", "-f", user));
        Assert.DoesNotContain(MountTable.Below(daemon.DataRoot), m => m.MountPoint == tmpfsData);
        await MustSucceed(daemon.Docker("volume", "rm", named, tmpfs));
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
