using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Seccomp, capabilities and privileged mode, driven by the real docker CLI.</summary>
[Collection(DaemonCollection.Name)]
public sealed class SecurityOptionTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task TheDefaultSeccompProfileBlocksAUserNamespaceAndUnconfinedAllowsIt()
    {
        var confined = await daemon.Docker("run", "--rm", "busybox", "unshare", "-U", "true");
        var unconfined = await daemon.Docker("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "unshare", "-U", "true");

        Assert.True(confined.ExitCode != 0, confined.ToString());
        Assert.Contains("Operation not permitted", confined.Stderr);
        Assert.True(unconfined.ExitCode == 0, unconfined.ToString());
    }

    [Fact]
    public async Task TheDefaultProfileLeavesOrdinaryWorkAlone()
    {
        // Threads, pipes, forks, sockets and file work: what a shell pipeline and a small server do.
        var run = await daemon.Docker("run", "--rm", "busybox", "sh", "-c",
            "mkdir /t && echo hi > /t/f && cat /t/f | wc -c && ls /proc/self/fd >/dev/null && nc -l -p 1234 -w 1 </dev/null & sleep 0.2; echo done");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("3", run.Stdout);
        Assert.Contains("done", run.Stdout);
    }

    [Fact]
    public async Task ASeccompFileFromTheCliIsApplied()
    {
        // A profile that allows everything but mkdir (denied with EPERM).
        var profile = Path.Combine(Path.GetTempPath(), $"seccomp-{Guid.NewGuid():N}.json");
        File.WriteAllText(profile, """
            {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
            """);
        try
        {
            var run = await daemon.Docker("run", "--rm", "--security-opt", $"seccomp={profile}", "busybox", "sh", "-c", "unshare -U true && mkdir /x");

            Assert.True(run.ExitCode != 0, run.ToString());
            Assert.Contains("mkdir", run.Stderr);
            Assert.Contains("Operation not permitted", run.Stderr);
        }
        finally
        {
            File.Delete(profile);
        }
    }

    [Fact]
    public async Task ASeccompProfileThatIsNotJsonIsBadRequestNamingTheOption()
    {
        var (status, message) = await CreateAsync("""{"Image": "busybox", "HostConfig": {"SecurityOpt": ["seccomp=this is not json"]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("seccomp", message);
    }

    [Fact]
    public async Task AnUnknownSecurityOptionIsBadRequest()
    {
        var run = await daemon.Docker("run", "--rm", "--security-opt", "bogus=1", "busybox", "true");

        Assert.True(run.ExitCode == 125, run.ToString());
        Assert.Contains("invalid --security-opt 2: \"bogus=1\"", run.Stderr);
    }

    [Fact]
    public async Task NoNewPrivilegesSetsTheFlagOnTheProcess()
    {
        var plain = await daemon.Docker("run", "--rm", "busybox", "grep", "NoNewPrivs", "/proc/self/status");
        var restricted = await daemon.Docker("run", "--rm", "--security-opt", "no-new-privileges", "busybox", "grep", "NoNewPrivs", "/proc/self/status");

        Assert.True(plain.ExitCode == 0 && restricted.ExitCode == 0, plain + "\n" + restricted);
        Assert.EndsWith("0", plain.Stdout.Trim());
        Assert.EndsWith("1", restricted.Stdout.Trim());
    }

    [Fact]
    public async Task AnExecIntoANoNewPrivilegesContainerHasTheFlagToo()
    {
        var plain = Names.Unique("nnp-plain");
        var restricted = Names.Unique("nnp-restricted");
        try
        {
            var runPlain = await daemon.Docker("run", "-d", "--name", plain, "busybox", "sleep", "300");
            var runRestricted = await daemon.Docker("run", "-d", "--name", restricted, "--security-opt", "no-new-privileges", "busybox", "sleep", "300");
            Assert.True(runPlain.ExitCode == 0 && runRestricted.ExitCode == 0, runPlain + "\n" + runRestricted);

            var execPlain = await daemon.Docker("exec", plain, "grep", "NoNewPrivs", "/proc/self/status");
            var execRestricted = await daemon.Docker("exec", restricted, "grep", "NoNewPrivs", "/proc/self/status");

            Assert.True(execPlain.ExitCode == 0 && execRestricted.ExitCode == 0, execPlain + "\n" + execRestricted);
            Assert.EndsWith("0", execPlain.Stdout.Trim());
            Assert.EndsWith("1", execRestricted.Stdout.Trim());
        }
        finally
        {
            await daemon.Docker("rm", "-f", plain, restricted);
        }
    }

    [Fact]
    public async Task PrivilegedAllowsMountAndADefaultContainerCannot()
    {
        var plain = await daemon.Docker("run", "--rm", "busybox", "sh", "-c", "mkdir /mnt && mount -t tmpfs none /mnt");
        var privileged = await daemon.Docker("run", "--rm", "--privileged", "busybox", "sh", "-c", "mkdir /mnt && mount -t tmpfs none /mnt && grep ' /mnt ' /proc/mounts && ls /dev/loop-control");

        Assert.True(plain.ExitCode != 0, plain.ToString());
        Assert.Contains("permission denied", plain.Stderr);
        Assert.True(privileged.ExitCode == 0, privileged.ToString());
        Assert.Contains("tmpfs", privileged.Stdout);
    }

    [Fact]
    public async Task CapAddSysAdminAllowsMountUnderTheDefaultProfile()
    {
        var run = await daemon.Docker("run", "--rm", "--cap-add", "SYS_ADMIN", "busybox", "sh", "-c", "mkdir /mnt && mount -t tmpfs none /mnt && grep ' /mnt ' /proc/mounts");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("tmpfs", run.Stdout);
    }

    [Fact]
    public async Task CapDropNetRawMakesPingFail()
    {
        var plain = await daemon.Docker("run", "--rm", "busybox", "ping", "-c", "1", "-W", "1", "127.0.0.1");
        var dropped = await daemon.Docker("run", "--rm", "--cap-drop", "NET_RAW", "busybox", "ping", "-c", "1", "-W", "1", "127.0.0.1");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(dropped.ExitCode != 0, dropped.ToString());
        Assert.Contains("permission denied", dropped.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CapDropAllWithCapAddKeepsOnlyTheAddedOnes()
    {
        var run = await daemon.Docker("run", "--rm", "--cap-drop", "ALL", "--cap-add", "CAP_CHOWN", "busybox", "grep", "CapEff", "/proc/self/status");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.EndsWith("0000000000000001", run.Stdout.Trim());
    }

    [Fact]
    public async Task AnUnknownCapabilityIsRefused()
    {
        var run = await daemon.Docker("run", "--rm", "--cap-add", "NOT_A_CAP", "busybox", "true");

        Assert.True(run.ExitCode == 125, run.ToString());
        // docker/cli sends the name as CAP_NOT_A_CAP.
        Assert.Contains("unknown capability: \"CAP_NOT_A_CAP\"", run.Stderr);
    }

    [Fact]
    public async Task MaskedPathsStayMaskedUnlessPrivileged()
    {
        // Masked and read-only paths are mounts over /proc/...: count them.
        const string Probe = "cut -d' ' -f2 /proc/mounts | grep -c '^/proc/.' || true";
        var plain = await daemon.Docker("run", "--rm", "busybox", "sh", "-c", Probe);
        var privileged = await daemon.Docker("run", "--rm", "--privileged", "busybox", "sh", "-c", Probe);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(int.Parse(plain.Stdout.Trim()) > 0, plain.ToString());
        Assert.Equal("0", privileged.Stdout.Trim());
    }

    private async Task<(HttpStatusCode Status, string Message)> CreateAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync("containers/create", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var id = JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString();
            await daemon.Docker("rm", "-f", id!);
            return (response.StatusCode, body);
        }
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("message").GetString() ?? "");
    }
}
