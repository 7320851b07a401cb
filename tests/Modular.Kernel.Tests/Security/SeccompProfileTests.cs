using System.Text.Json.Nodes;
using Modular.Kernel.Security;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Security;

public sealed class SeccompProfileTests
{
    private static readonly string[] DefaultCaps = Modular.Kernel.Runtime.OciSpecBuilder.DefaultCapabilities;

    private static List<JsonObject> Rules(JsonObject seccomp, string name) =>
        seccomp["syscalls"]!.AsArray().OfType<JsonObject>()
            .Where(r => r["names"]!.AsArray().Any(n => (string)n! == name)).ToList();

    [Fact]
    public void TheDefaultProfileDeniesWhatIsNotListedWithEperm()
    {
        var seccomp = SeccompCompiler.Compile(DefaultSeccompProfile.Profile, DefaultCaps, "amd64");

        Assert.Equal("SCMP_ACT_ERRNO", (string)seccomp["defaultAction"]!);
        Assert.Equal(1u, (uint)seccomp["defaultErrnoRet"]!);
        Assert.Contains("SCMP_ARCH_X86_64", seccomp["architectures"]!.AsArray().Select(a => (string)a!));
    }

    [Theory]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("mount")]
    [InlineData("kexec_load")]
    [InlineData("keyctl")]
    [InlineData("init_module")]
    [InlineData("bpf")]
    [InlineData("perf_event_open")]
    [InlineData("clock_settime")]
    [InlineData("ptrace")]
    [InlineData("reboot")]
    public void WithDefaultCapabilitiesDangerousSyscallsAreNotAllowed(string syscall)
    {
        var seccomp = SeccompCompiler.Compile(DefaultSeccompProfile.Profile, DefaultCaps, "amd64");

        Assert.Empty(Rules(seccomp, syscall));
    }

    [Theory]
    [InlineData("read")]
    [InlineData("openat")]
    [InlineData("execve")]
    [InlineData("futex")]
    [InlineData("socket")]
    [InlineData("epoll_wait")]
    [InlineData("chroot")]
    public void OrdinarySyscallsAreAllowed(string syscall)
    {
        var seccomp = SeccompCompiler.Compile(DefaultSeccompProfile.Profile, DefaultCaps, "amd64");

        Assert.Contains(Rules(seccomp, syscall), r => (string)r["action"]! == "SCMP_ACT_ALLOW" && r["args"] is null);
    }

    [Fact]
    public void CloneIsAllowedOnlyWithoutNamespaceFlagsAndClone3FallsBackWithEnosys()
    {
        var seccomp = SeccompCompiler.Compile(DefaultSeccompProfile.Profile, DefaultCaps, "amd64");

        var clone = Assert.Single(Rules(seccomp, "clone"));
        var arg = Assert.Single(clone["args"]!.AsArray())!;
        Assert.Equal("SCMP_CMP_MASKED_EQ", (string)arg["op"]!);
        Assert.Equal(0x7E020000UL, (ulong)arg["value"]!);
        Assert.Equal(0UL, (ulong)arg["valueTwo"]!);
        var clone3 = Assert.Single(Rules(seccomp, "clone3"));
        Assert.Equal("SCMP_ACT_ERRNO", (string)clone3["action"]!);
        Assert.Equal(38u, (uint)clone3["errnoRet"]!);
    }

    [Fact]
    public void SysAdminOpensNamespacesAndMountsButNeverKexecOrKeyrings()
    {
        var seccomp = SeccompCompiler.Compile(DefaultSeccompProfile.Profile, [.. DefaultCaps, "CAP_SYS_ADMIN"], "amd64");

        Assert.NotEmpty(Rules(seccomp, "unshare"));
        Assert.NotEmpty(Rules(seccomp, "mount"));
        var clone = Assert.Single(Rules(seccomp, "clone"));
        Assert.Null(clone["args"]);
        Assert.DoesNotContain(Rules(seccomp, "clone3"), r => (string)r["action"]! == "SCMP_ACT_ERRNO");
        Assert.Empty(Rules(seccomp, "kexec_load"));
        Assert.Empty(Rules(seccomp, "keyctl"));
    }

    [Fact]
    public void ADockerFormatProfileIsParsedWithArchMapAndCapabilityFilters()
    {
        var profile = SeccompProfileParser.Parse("""
            {"defaultAction": "SCMP_ACT_ERRNO",
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
             "syscalls": [
               {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
               {"name": "ptrace", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_PTRACE"]}},
               {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
               {"names": ["s390_only"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390x"]}}
             ]}
            """);

        var seccomp = SeccompCompiler.Compile(profile, DefaultCaps, "amd64");

        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], seccomp["architectures"]!.AsArray().Select(a => (string)a!));
        Assert.Single(Rules(seccomp, "read"));
        Assert.Empty(Rules(seccomp, "ptrace"));
        Assert.Empty(Rules(seccomp, "s390_only"));
        Assert.Equal(8UL, (ulong)Rules(seccomp, "personality")[0]["args"]![0]!["value"]!);
        Assert.Single(Rules(SeccompCompiler.Compile(profile, ["CAP_SYS_PTRACE"], "amd64"), "ptrace"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"syscalls\": []}")]
    public void AProfileThatIsNotADockerProfileIsRefusedNamingTheOption(string json)
    {
        var error = Assert.Throws<DriverException>(() => SeccompProfileParser.Parse(json));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("invalid --security-opt seccomp:", error.Message);
    }
}
