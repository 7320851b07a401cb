using System.CommandLine;
using Modular.Api.Models;
using Modular.Cli;
using Modular.Cli.Commands;
using Xunit;

namespace Modular.Cli.Tests.Commands;

public sealed class SecurityHealthFlagsTests
{
    private static ContainerCreateRequest Build(params string[] args) => Build(_ => throw new FileNotFoundException(), args);

    /// <summary>Parses "run ARGS busybox" through the real run flag set and builds the create request.</summary>
    private static ContainerCreateRequest Build(Func<string, string> readFile, params string[] args)
    {
        var flags = new RunFlags();
        var command = new Command("run");
        flags.AddTo(command);
        var positional = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(positional);
        var result = command.Parse([.. args, "busybox"]);
        Assert.Empty(result.Errors);
        Assert.Null(flags.FirstNotImplemented(result));
        return CreateRequestBuilder.Build(flags.Read(result, result.GetValue(positional)!), _ => null, readFile);
    }

    private static string Refused(params string[] args)
    {
        var error = Assert.Throws<CliStatusException>(() => Build(args));
        Assert.Equal(125, error.ExitCode);
        return error.Message;
    }

    [Fact]
    public void Without_the_flags_the_request_carries_no_healthcheck_or_security_settings()
    {
        var request = Build();
        var host = request.HostConfig!;

        Assert.Null(request.Healthcheck);
        Assert.False(host.Privileged);
        Assert.Null(host.CapAdd);
        Assert.Null(host.CapDrop);
        Assert.Null(host.SecurityOpt);
        Assert.Null(host.Init);
        Assert.Equal([], host.Devices);
        Assert.Equal([], host.Ulimits);
        Assert.Null(host.Sysctls);
        Assert.Null(host.GroupAdd);
        Assert.False(host.OomKillDisable);
    }

    [Fact]
    public void Health_flags_become_a_CMD_SHELL_healthcheck_with_durations_in_nanoseconds()
    {
        var health = Build("--health-cmd", "true || exit 1", "--health-interval", "1m30s", "--health-timeout", "1.5s",
            "--health-start-period", "250ms", "--health-start-interval", "2h", "--health-retries", "4").Healthcheck!;

        Assert.Equal(["CMD-SHELL", "true || exit 1"], health.Test);
        Assert.Equal(90_000_000_000, health.Interval);
        Assert.Equal(1_500_000_000, health.Timeout);
        Assert.Equal(250_000_000, health.StartPeriod);
        Assert.Equal(7_200_000_000_000, health.StartInterval);
        Assert.Equal(4, health.Retries);
    }

    [Fact]
    public void Health_timing_without_a_command_keeps_the_image_test()
    {
        var health = Build("--health-retries", "2").Healthcheck!;

        Assert.Null(health.Test);
        Assert.Equal(2, health.Retries);
    }

    [Fact]
    public void No_healthcheck_sends_NONE_and_conflicts_with_health_options()
    {
        Assert.Equal(["NONE"], Build("--no-healthcheck").Healthcheck!.Test);
        Assert.Equal("--no-healthcheck conflicts with --health-* options", Refused("--no-healthcheck", "--health-cmd", "true"));
    }

    [Theory]
    [InlineData("--health-interval", "5", "invalid argument \"5\" for \"--health-interval\" flag: time: missing unit in duration \"5\"")]
    [InlineData("--health-timeout", "3x", "invalid argument \"3x\" for \"--health-timeout\" flag: time: unknown unit \"x\" in duration \"3x\"")]
    [InlineData("--health-start-period", "soon", "invalid argument \"soon\" for \"--health-start-period\" flag: time: invalid duration \"soon\"")]
    [InlineData("--health-retries", "many", "invalid argument \"many\" for \"--health-retries\" flag: strconv.ParseInt: parsing \"many\": invalid syntax")]
    [InlineData("--health-interval", "-1s", "--health-interval cannot be negative")]
    [InlineData("--health-retries", "-1", "--health-retries cannot be negative")]
    [InlineData("--health-start-interval", "-2ms", "--health-start-interval cannot be negative")]
    public void Bad_health_values_are_refused_with_dockers_messages(string flag, string value, string message) =>
        Assert.Equal(message, Refused(flag, value));

    [Fact]
    public void Privilege_capability_group_init_and_oom_flags_are_sent_as_given()
    {
        var host = Build("--privileged", "--cap-add", "NET_ADMIN", "--cap-add", "sys_time", "--cap-drop", "ALL",
            "--group-add", "audio", "--group-add", "1234", "--init", "--oom-kill-disable").HostConfig!;

        Assert.True(host.Privileged);
        Assert.Equal(["CAP_NET_ADMIN", "CAP_SYS_TIME"], host.CapAdd);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["audio", "1234"], host.GroupAdd);
        Assert.True(host.Init);
        Assert.True(host.OomKillDisable);
        Assert.False(Build("--init=false").HostConfig!.Init);
    }

    [Fact]
    public void Capabilities_are_normalized_deduplicated_and_sorted_with_adds_winning_over_drops()
    {
        var host = Build("--cap-add", " sys_time ", "--cap-add", "CAP_NET_ADMIN", "--cap-add", "net_admin", "--cap-drop", "chown",
            "--cap-drop", "SYS_TIME", "--cap-drop", "reset").HostConfig!;

        Assert.Equal(["CAP_NET_ADMIN", "CAP_SYS_TIME"], host.CapAdd);
        Assert.Equal(["CAP_CHOWN"], host.CapDrop);
        Assert.Equal(["ALL"], Build("--cap-add", "chown", "--cap-add", "all").HostConfig!.CapAdd);
    }

    [Fact]
    public void Security_opts_pass_through_and_a_seccomp_file_is_sent_compacted_inline()
    {
        var profile = "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [ ]\n}\n";
        var host = Build(file => file == "/profiles/allow.json" ? profile : throw new FileNotFoundException(),
            "--security-opt", "no-new-privileges", "--security-opt", "apparmor:unconfined", "--security-opt", "seccomp=/profiles/allow.json",
            "--security-opt", "seccomp=unconfined").HostConfig!;

        Assert.Equal(["no-new-privileges", "apparmor:unconfined", "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}", "seccomp=unconfined"],
            host.SecurityOpt);
    }

    [Fact]
    public void Systempaths_unconfined_empties_the_masked_and_readonly_paths_instead_of_being_sent()
    {
        var host = Build("--security-opt", "systempaths=unconfined").HostConfig!;

        Assert.Equal([], host.SecurityOpt);
        Assert.Equal([], host.MaskedPaths);
        Assert.Equal([], host.ReadonlyPaths);
    }

    [Fact]
    public void Bad_security_opts_are_refused()
    {
        Assert.Equal("Invalid --security-opt: \"label\"", Refused("--security-opt", "label"));
        Assert.Equal("Invalid --security-opt: \"seccomp=\"", Refused("--security-opt", "seccomp="));
        Assert.Equal("opening seccomp profile (/nope.json) failed: open /nope.json: no such file or directory", Refused("--security-opt", "seccomp=/nope.json"));
        var notJson = Assert.Throws<CliStatusException>(() => Build(_ => "{not json", "--security-opt", "seccomp=/bad.json"));
        Assert.StartsWith("compacting json for seccomp profile (/bad.json) failed: ", notJson.Message);
    }

    [Fact]
    public void Devices_parse_source_target_and_permissions_like_docker()
    {
        var devices = Build("--device", "/dev/null", "--device", "/dev/zero:r", "--device", "/dev/full:/dev/myfull/", "--device", "/dev/random:/dev/rnd:rw")
            .HostConfig!.Devices!;

        Assert.Equal([("/dev/null", "/dev/null", "rwm"), ("/dev/zero", "/dev/zero", "r"), ("/dev/full", "/dev/myfull", "rwm"), ("/dev/random", "/dev/rnd", "rw")],
            devices.Select(d => (d.PathOnHost, d.PathInContainer, d.CgroupPermissions)));
    }

    [Theory]
    [InlineData(":/dev/x", "bad format for path: :/dev/x")]
    [InlineData("/dev/a:/dev/b:rw:x", "bad format for path: /dev/a:/dev/b:rw:x")]
    [InlineData("/dev/a:/dev/b:rx", "bad mode specified: rx")]
    [InlineData("/dev/a:relative", "relative is not an absolute path")]
    public void Bad_devices_are_refused(string device, string reason) =>
        Assert.Equal(reason, Refused("--device", device));

    [Fact]
    public void Ulimits_take_soft_and_hard_with_the_last_value_per_name_winning()
    {
        var ulimits = Build("--ulimit", "nofile=1024:2048", "--ulimit", "nproc=-1", "--ulimit", "core=0", "--ulimit", "core=5:10").HostConfig!.Ulimits!;

        Assert.Equal([("core", 5L, 10L), ("nofile", 1024L, 2048L), ("nproc", -1L, -1L)], ulimits.Select(u => (u.Name, u.Soft, u.Hard)));
    }

    [Theory]
    [InlineData("nofile", "invalid ulimit argument: nofile")]
    [InlineData("files=1", "invalid ulimit type: files")]
    [InlineData("nofile=1:2:3", "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`")]
    [InlineData("nofile=lots", "strconv.ParseInt: parsing \"lots\": invalid syntax")]
    [InlineData("nofile=10:5", "ulimit soft limit must be less than or equal to hard limit: 10 > 5")]
    public void Bad_ulimits_are_refused(string ulimit, string reason) =>
        Assert.Equal($"invalid argument \"{ulimit}\" for \"--ulimit\" flag: {reason}", Refused("--ulimit", ulimit));

    [Fact]
    public void Namespaced_sysctls_are_sent_as_a_map_and_others_refused()
    {
        var sysctls = Build("--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "kernel.shmmax=1000", "--sysctl", "fs.mqueue.msg_max=20").HostConfig!.Sysctls!;

        Assert.Equal(new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "1000", ["fs.mqueue.msg_max"] = "20" }, sysctls);
        Assert.Equal("invalid argument \"kernel.hostname=x\" for \"--sysctl\" flag: sysctl 'kernel.hostname=x' is not allowed", Refused("--sysctl", "kernel.hostname=x"));
        Assert.Equal("invalid argument \"net.core\" for \"--sysctl\" flag: sysctl 'net.core' is not allowed", Refused("--sysctl", "net.core"));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("300ms", 300_000_000L)]
    [InlineData("1h2m3.5s", 3_723_500_000_000L)]
    [InlineData(".5us", 500L)]
    [InlineData("+2ns", 2L)]
    public void Go_durations_parse_to_nanoseconds(string text, long nanoseconds) =>
        Assert.Equal(nanoseconds, GoDuration.ParseNanoseconds(text));
}
