using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Kernel.Runtime;
using Modular.Kernel.Security;
using Xunit;

namespace Modular.Kernel.Tests.Security;

public sealed class ContainerSecurityTests
{
    private static JsonObject DefaultSpec() => OciSpecBuilder.Build(new ContainerSpecInput(
        new string('a', 64), "/rootfs", "host", new ProcessSpec(["sh"], [], "/", new ResolvedUser(0, 0, [], "/root"), false),
        false, []));

    [Fact]
    public void ADefaultContainerGetsTheDefaultProfileAndKeepsMaskedPaths()
    {
        var spec = ContainerSecurity.Apply(DefaultSpec(), new HostConfig(), "/nonexistent");

        Assert.Equal("SCMP_ACT_ERRNO", (string)spec["linux"]!["seccomp"]!["defaultAction"]!);
        Assert.NotNull(spec["linux"]!["maskedPaths"]);
        Assert.NotNull(spec["linux"]!["readonlyPaths"]);
        Assert.False((bool)spec["process"]!["noNewPrivileges"]!);
    }

    [Fact]
    public void PrivilegedHasNoSeccompNoMasksEveryCapabilityAndEveryDevice()
    {
        var spec = ContainerSecurity.Apply(DefaultSpec(), new HostConfig { Privileged = true }, "/nonexistent");

        Assert.Null(spec["linux"]!["seccomp"]);
        Assert.Null(spec["linux"]!["maskedPaths"]);
        Assert.Equal(OciSpecBuilder.AllCapabilities.Length, spec["process"]!["capabilities"]!["bounding"]!.AsArray().Count);
        var rule = Assert.Single(spec["linux"]!["resources"]!["devices"]!.AsArray())!;
        Assert.True((bool)rule["allow"]!);
        Assert.Contains(spec["linux"]!["devices"]!.AsArray(), d => (string)d!["path"]! == "/dev/null");
        var sysfs = spec["mounts"]!.AsArray().Single(m => (string)m!["type"]! == "sysfs")!;
        Assert.DoesNotContain("ro", sysfs["options"]!.AsArray().Select(o => (string)o!));
    }

    [Fact]
    public void InitWrapsTheCommandAndMountsTini()
    {
        var spec = ContainerSecurity.Apply(DefaultSpec(), new HostConfig { Init = true }, "/nonexistent");

        Assert.Equal(["/sbin/docker-init", "--", "sh"], spec["process"]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Contains(spec["mounts"]!.AsArray(), m => (string)m!["destination"]! == "/sbin/docker-init" && File.Exists((string)m["source"]!));
    }

    [Fact]
    public void UnconfinedDropsSeccompAndOptionsReachTheSpec()
    {
        var host = new HostConfig
        {
            SecurityOpt = ["seccomp=unconfined", "no-new-privileges"],
            Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
            OomKillDisable = true,
            GroupAdd = ["7"],
            Devices = [new DeviceMapping { PathOnHost = "/dev/null", PathInContainer = "/dev/mynull", CgroupPermissions = "rwm" }],
        };

        var spec = ContainerSecurity.Apply(DefaultSpec(), host, "/nonexistent");

        Assert.Null(spec["linux"]!["seccomp"]);
        Assert.True((bool)spec["process"]!["noNewPrivileges"]!);
        Assert.Equal("1", (string)spec["linux"]!["sysctl"]!["net.ipv4.ip_forward"]!);
        Assert.True((bool)spec["linux"]!["resources"]!["memory"]!["disableOOMKiller"]!);
        Assert.Equal([7u], spec["process"]!["user"]!["additionalGids"]!.AsArray().Select(g => (uint)g!));
        Assert.Equal("/dev/mynull", (string)spec["linux"]!["devices"]![0]!["path"]!);
        Assert.Contains(spec["linux"]!["resources"]!["devices"]!.AsArray(), d => (bool)d!["allow"]! && (long?)d["major"] == 1 && (long?)d["minor"] == 3);
    }
}
