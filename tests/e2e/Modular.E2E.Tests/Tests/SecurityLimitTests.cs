using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>--init, --ulimit, --sysctl, --device, --group-add and --oom-kill-disable, driven by the real docker CLI.</summary>
[Collection(DaemonCollection.Name)]
public sealed class SecurityLimitTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task InitMakesTiniPidOneAndItReapsZombies()
    {
        // The shell's background child is orphaned when the shell exits; only an init that reaps leaves no zombie.
        var run = await daemon.Docker("run", "--rm", "--init", "busybox", "sh", "-c",
            "cat /proc/1/cmdline | tr '\\0' ' '; echo; sh -c 'sleep 0.3 & exit 0'; sleep 1; grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("/sbin/docker-init -- sh -c", lines[0]);
        Assert.Equal("0", lines[^1].Trim());
    }

    [Fact]
    public async Task UlimitIsVisibleInTheContainer()
    {
        var run = await daemon.Docker("run", "--rm", "--ulimit", "nofile=100:200", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("100\n200\n", run.Stdout);
    }

    [Fact]
    public async Task ANamespacedSysctlIsAppliedAndAHostOneRefused()
    {
        var applied = await daemon.Docker("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "cat", "/proc/sys/net/ipv4/ip_forward");
        var refused = await daemon.Docker("run", "--rm", "--sysctl", "kernel.panic=1", "busybox", "true");

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal("1", applied.Stdout.Trim());
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("sysctl 'kernel.panic=1' is not allowed", refused.Stderr);
    }

    [Fact]
    public async Task ANetworkSysctlIsRefusedOnTheHostNetwork()
    {
        var run = await daemon.Docker("run", "--rm", "--network", "host", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "true");

        Assert.True(run.ExitCode == 125, run.ToString());
        Assert.Contains("not allowed in host network namespace", run.Stderr);
    }

    [Fact]
    public async Task ADeviceIsAvailableUnderItsNewName()
    {
        var run = await daemon.Docker("run", "--rm", "--device", "/dev/null:/dev/mynull", "busybox", "sh", "-c", "ls -l /dev/mynull && echo x > /dev/mynull && echo ok");
        // /dev/kmsg is not among the devices every container may use, so its cgroup rule is the --device one.
        var denied = await daemon.Docker("run", "--rm", "--device", "/dev/kmsg:/dev/mykmsg:r", "busybox", "sh", "-c", "head -c0 /dev/mykmsg && echo x > /dev/mykmsg");
        var missing = await daemon.Docker("run", "--rm", "--device", "/dev/does-not-exist", "busybox", "true");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("crw", run.Stdout);
        Assert.Contains("ok", run.Stdout);
        Assert.True(denied.ExitCode != 0, denied.ToString());
        Assert.Contains("Operation not permitted", denied.Stderr);
        Assert.True(missing.ExitCode != 0, missing.ToString());
        Assert.Contains("/dev/does-not-exist", missing.Stderr);
    }

    [Fact]
    public async Task GroupAddAddsSupplementaryGroups()
    {
        var run = await daemon.Docker("run", "--rm", "--group-add", "nobody", "--group-add", "4242", "busybox", "id", "-G");

        Assert.True(run.ExitCode == 0, run.ToString());
        var groups = run.Stdout.Trim().Split(' ');
        Assert.Contains("4242", groups);
        Assert.Contains("65534", groups);
    }

    [Fact]
    public async Task OomKillDisableReachesTheMemoryCgroup()
    {
        var name = Names.Unique("oom-disable");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--memory", "64m", "--oom-kill-disable", "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            var id = run.Stdout.Trim();
            var control = File.ReadAllText($"/sys/fs/cgroup/memory/modular/{id}/memory.oom_control");

            Assert.Contains("oom_kill_disable 1", control);
            Assert.Equal("true", await daemon.InspectAsync(name, "{{.HostConfig.OomKillDisable}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }
}
