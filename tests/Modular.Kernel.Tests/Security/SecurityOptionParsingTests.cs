using Modular.Api.Models;
using Modular.Kernel.Security;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Security;

public sealed class SecurityOptionParsingTests
{
    [Fact]
    public void NoOptionsMeanTheDefaultProfileAndNoFlag()
    {
        var options = SecurityOptions.Parse(null);

        Assert.Equal(new SecurityOptions(false, false, null), options);
    }

    [Theory]
    [InlineData("no-new-privileges", true)]
    [InlineData("no-new-privileges=true", true)]
    [InlineData("no-new-privileges:true", true)]
    [InlineData("no-new-privileges=false", false)]
    public void NoNewPrivilegesTakesDockersSpellings(string option, bool expected)
    {
        Assert.Equal(expected, SecurityOptions.Parse([option]).NoNewPrivileges);
    }

    [Fact]
    public void SeccompUnconfinedAndInlineProfile()
    {
        Assert.True(SecurityOptions.Parse(["seccomp=unconfined"]).SeccompUnconfined);
        Assert.Null(SecurityOptions.Parse(["seccomp=builtin"]).SeccompProfile);
        var inline = SecurityOptions.Parse(["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}"]);
        Assert.Equal("SCMP_ACT_ALLOW", inline.SeccompProfile!.DefaultAction);
    }

    [Theory]
    [InlineData("bogus", "invalid --security-opt 1: \"bogus\"")]
    [InlineData("bogus=1", "invalid --security-opt 2: \"bogus=1\"")]
    [InlineData("no-new-privileges=maybe", "invalid --security-opt 2: \"no-new-privileges=maybe\"")]
    public void UnknownOptionsAreRefusedInDockersWords(string option, string message)
    {
        var error = Assert.Throws<DriverException>(() => SecurityOptions.Parse([option]));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void CapabilityNamesWorkWithOrWithoutThePrefixInAnyCase()
    {
        var caps = Capabilities.Resolve(false, ["sys_admin", "CAP_NET_ADMIN"], ["NET_RAW", "cap_chown"]);

        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.Contains("CAP_NET_ADMIN", caps);
        Assert.DoesNotContain("CAP_NET_RAW", caps);
        Assert.DoesNotContain("CAP_CHOWN", caps);
        Assert.Contains("CAP_KILL", caps);
    }

    [Fact]
    public void AllInDropKeepsOnlyTheAddedAndAllInAddKeepsAllButTheDropped()
    {
        Assert.Equal(["CAP_CHOWN"], Capabilities.Resolve(false, ["CHOWN"], ["ALL"]));
        var all = Capabilities.Resolve(false, ["ALL"], ["SYS_ADMIN"]);
        Assert.DoesNotContain("CAP_SYS_ADMIN", all);
        Assert.Equal(Modular.Kernel.Runtime.OciSpecBuilder.AllCapabilities.Length - (Modular.Kernel.Runtime.OciSpecBuilder.AllCapabilities.Contains("CAP_SYS_ADMIN") ? 1 : 0), all.Count);
    }

    [Fact]
    public void AnUnknownCapabilityIsRefused()
    {
        var error = Assert.Throws<DriverException>(() => Capabilities.Validate(["FLY"], null));

        Assert.Equal("unknown capability: \"FLY\"", error.Message);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", false, null)]
    [InlineData("kernel.shmmax", false, null)]
    [InlineData("fs.mqueue.msg_max", false, null)]
    [InlineData("kernel.panic", false, "sysctl 'kernel.panic=1' is not allowed")]
    [InlineData("vm.swappiness", false, "sysctl 'vm.swappiness=1' is not allowed")]
    [InlineData("net.ipv4.ip_forward", true, "sysctl 'net.ipv4.ip_forward' is not allowed in host network namespace")]
    public void OnlyNamespacedSysctlsAreAllowed(string name, bool hostNetwork, string? message)
    {
        var sysctls = new Dictionary<string, string> { [name] = "1" };
        if (message is null)
        {
            NamespacedSysctls.Validate(sysctls, hostNetwork, hostIpc: false);
            return;
        }
        var error = Assert.Throws<DriverException>(() => NamespacedSysctls.Validate(sysctls, hostNetwork, hostIpc: false));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void UlimitsBecomeRlimitsAndBadOnesAreRefused()
    {
        var rlimits = ProcessLimits.ToRlimits([new Ulimit { Name = "nofile", Soft = 100, Hard = 200 }, new Ulimit { Name = "core", Soft = -1, Hard = -1 }]);

        Assert.Equal("RLIMIT_NOFILE", (string)rlimits[0]!["type"]!);
        Assert.Equal(100UL, (ulong)rlimits[0]!["soft"]!);
        Assert.Equal(ulong.MaxValue, (ulong)rlimits[1]!["hard"]!);
        Assert.Throws<DriverException>(() => ProcessLimits.Validate([new Ulimit { Name = "bogus", Soft = 1, Hard = 1 }]));
        Assert.Throws<DriverException>(() => ProcessLimits.Validate([new Ulimit { Name = "nofile", Soft = 300, Hard = 200 }]));
    }

    [Fact]
    public void ADeviceIsResolvedFromTheHostNode()
    {
        var device = Assert.Single(ContainerDevices.Resolve(new DeviceMapping { PathOnHost = "/dev/null", PathInContainer = "/dev/mynull", CgroupPermissions = "rw" }));

        Assert.Equal(new ContainerDevice("/dev/mynull", 'c', 1, 3, device.FileMode, 0, 0, "rw"), device);
        Assert.Throws<DriverException>(() => ContainerDevices.Resolve(new DeviceMapping { PathOnHost = "/dev/null", CgroupPermissions = "rwx" }));
        Assert.Throws<DriverException>(() => ContainerDevices.Resolve(new DeviceMapping { PathOnHost = "/dev/nothing-here" }));
    }
}
