using System.Text.Json.Nodes;
using Modular.Kernel.Runtime;
using Xunit;

namespace Modular.Kernel.Tests.Runtime;

public sealed class OciSpecBuilderTests
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly string[] DockerCapabilities =
    [
        "CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
        "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
    ];

    private static readonly BindMount[] GeneratedFiles =
    [
        new("/var/lib/modular/containers/x/resolv.conf", "/etc/resolv.conf", false),
        new("/var/lib/modular/containers/x/hostname", "/etc/hostname", false),
        new("/var/lib/modular/containers/x/hosts", "/etc/hosts", false),
    ];

    private static JsonObject Build(
        bool hostNetwork = false,
        IReadOnlyList<uint>? additionalGids = null,
        IReadOnlyList<BindMount>? binds = null,
        bool readonlyRootfs = false,
        bool terminal = false) =>
        OciSpecBuilder.Build(new ContainerSpecInput(
            Id,
            "/var/lib/modular/vfs/dir/x",
            "0123456789ab",
            new ProcessSpec(["sh", "-c", "echo hi"], ["PATH=/bin", "HOSTNAME=0123456789ab"], "/work",
                new ResolvedUser(1000, 1000, additionalGids ?? [], "/home/app"), terminal),
            hostNetwork,
            binds ?? GeneratedFiles,
            ReadonlyRootfs: readonlyRootfs));

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Fact]
    public void Grants_exactly_dockers_14_default_capabilities_in_every_set()
    {
        var capabilities = Build()["process"]!["capabilities"]!.AsObject();

        Assert.Equal(["bounding", "effective", "permitted"], capabilities.Select(p => p.Key).Order());
        foreach (var (_, set) in capabilities)
        {
            Assert.Equal(DockerCapabilities, Strings(set).Order());
        }
        Assert.Equal(14, OciSpecBuilder.DefaultCapabilities.Distinct().Count());
    }

    [Fact]
    public void Masks_and_protects_dockers_paths()
    {
        var linux = Build()["linux"]!;

        Assert.Equal(
            ["/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/sched_debug",
             "/proc/scsi", "/proc/timer_list", "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware"],
            Strings(linux["maskedPaths"]).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            Strings(linux["readonlyPaths"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_terminal_gets_its_size_before_the_process_runs_and_no_terminal_gets_none()
    {
        var user = new ResolvedUser(0, 0, [], "/root");
        var sized = new ProcessSpec(["sh"], [], "/", user, Terminal: true, ConsoleSize: new TerminalSize(27, 91));

        var size = OciSpecBuilder.BuildProcess(sized)["consoleSize"]!;

        Assert.Equal("""{"height":27,"width":91}""", size.ToJsonString());
        Assert.Null(OciSpecBuilder.BuildProcess(sized with { Terminal = false })["consoleSize"]);
        Assert.Null(OciSpecBuilder.BuildProcess(sized with { ConsoleSize = null })["consoleSize"]);
    }

    [Fact]
    public void Isolates_every_namespace_including_the_network()
    {
        var types = Build()["linux"]!["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>());

        Assert.Equal(["ipc", "mount", "network", "pid", "uts"], types.Order());
    }

    [Fact]
    public void Host_network_shares_the_hosts_network_namespace()
    {
        var types = Build(hostNetwork: true)["linux"]!["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>());

        Assert.DoesNotContain("network", types);
        Assert.Contains("pid", types);
    }

    [Fact]
    public void Requests_no_rlimits_so_the_container_inherits_the_daemons()
    {
        var process = Build()["process"]!.AsObject();

        Assert.False(process.ContainsKey("rlimits"));
        Assert.False(Build()["linux"]!.AsObject().ContainsKey("rlimits"));
    }

    [Fact]
    public void Puts_the_container_in_its_own_cgroup()
    {
        Assert.Equal($"/modular/{Id}", Build()["linux"]!["cgroupsPath"]!.GetValue<string>());
    }

    [Fact]
    public void Bind_mounts_the_generated_files_over_the_images()
    {
        var binds = Build()["mounts"]!.AsArray().Where(m => m!["type"]!.GetValue<string>() == "bind").ToList();

        Assert.Equal(3, binds.Count);
        foreach (var expected in GeneratedFiles)
        {
            var mount = Assert.Single(binds, m => m!["destination"]!.GetValue<string>() == expected.Destination)!;
            Assert.Equal(expected.Source, mount["source"]!.GetValue<string>());
            Assert.Equal(["rbind", "rprivate"], Strings(mount["options"]));
        }
    }

    [Fact]
    public void A_read_only_bind_says_so()
    {
        var mounts = Build(binds: [new BindMount("/srv/config", "/config", true)])["mounts"]!.AsArray();

        var bind = Assert.Single(mounts, m => m!["destination"]!.GetValue<string>() == "/config")!;
        Assert.Equal(["rbind", "rprivate", "ro"], Strings(bind["options"]));
    }

    [Fact]
    public void Mounts_dockers_kernel_filesystems()
    {
        var mounts = Build()["mounts"]!.AsArray().ToDictionary(m => m!["destination"]!.GetValue<string>(), m => m!);

        Assert.Equal("proc", mounts["/proc"]["type"]!.GetValue<string>());
        Assert.Equal("devpts", mounts["/dev/pts"]["type"]!.GetValue<string>());
        Assert.Contains("ro", Strings(mounts["/sys"]["options"]));
        Assert.Contains("ro", Strings(mounts["/sys/fs/cgroup"]["options"]));
        Assert.Equal("mqueue", mounts["/dev/mqueue"]["type"]!.GetValue<string>());
        Assert.Contains("size=67108864", Strings(mounts["/dev/shm"]["options"]));
        Assert.Equal("tmpfs", mounts["/dev"]["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_process_is_the_resolved_one()
    {
        var process = Build(terminal: true)["process"]!;

        Assert.Equal(["sh", "-c", "echo hi"], Strings(process["args"]));
        Assert.Equal(["PATH=/bin", "HOSTNAME=0123456789ab"], Strings(process["env"]));
        Assert.Equal("/work", process["cwd"]!.GetValue<string>());
        Assert.True(process["terminal"]!.GetValue<bool>());
        Assert.Equal(1000u, process["user"]!["uid"]!.GetValue<uint>());
        Assert.Equal(1000u, process["user"]!["gid"]!.GetValue<uint>());
        Assert.False(process["user"]!.AsObject().ContainsKey("additionalGids"));
    }

    [Fact]
    public void Additional_groups_are_passed_when_there_are_some()
    {
        var user = Build(additionalGids: [10, 29])["process"]!["user"]!;

        Assert.Equal([10u, 29u], user["additionalGids"]!.AsArray().Select(g => g!.GetValue<uint>()));
    }

    [Fact]
    public void The_root_is_the_rootfs_read_only_only_when_asked()
    {
        var writable = Build()["root"]!;
        var readOnly = Build(readonlyRootfs: true)["root"]!;

        Assert.Equal("/var/lib/modular/vfs/dir/x", writable["path"]!.GetValue<string>());
        Assert.False(writable["readonly"]!.GetValue<bool>());
        Assert.True(readOnly["readonly"]!.GetValue<bool>());
        Assert.Equal("0123456789ab", Build()["hostname"]!.GetValue<string>());
    }

    [Fact]
    public void Denies_devices_by_default_and_allows_dockers_standard_ones()
    {
        var rules = Build()["linux"]!["resources"]!["devices"]!.AsArray();

        var first = rules[0]!;
        Assert.False(first["allow"]!.GetValue<bool>());
        Assert.Equal("rwm", first["access"]!.GetValue<string>());
        Assert.False(first.AsObject().ContainsKey("type"));
        // /dev/null (1:3), /dev/zero (1:5), /dev/full (1:7), /dev/random (1:8), /dev/urandom (1:9), /dev/tty (5:0).
        foreach (var (major, minor) in new[] { (1L, 3L), (1L, 5L), (1L, 7L), (1L, 8L), (1L, 9L), (5L, 0L) })
        {
            Assert.Contains(rules, r => r!["allow"]!.GetValue<bool>()
                && r["major"]?.GetValue<long>() == major && r["minor"]?.GetValue<long>() == minor);
        }
    }

    [Fact]
    public void The_spec_serializes_to_json_the_runtime_can_read()
    {
        var json = Build().ToJsonString();

        var reparsed = JsonNode.Parse(json)!;
        Assert.Equal("1.0.2", reparsed["ociVersion"]!.GetValue<string>());
    }
}
