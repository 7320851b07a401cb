using System.Text.Json.Nodes;

namespace Modular.Kernel.Runtime;

/// <summary>What the runtime spec is built from, already resolved against the image and the container's rootfs.</summary>
public sealed record ProcessSpec(
    IReadOnlyList<string> Args,
    IReadOnlyList<string> Env,
    string Cwd,
    ResolvedUser User,
    bool Terminal,
    bool AllCapabilities = false,
    TerminalSize? ConsoleSize = null);

/// <summary>A terminal's size in characters, set by the runtime before the process runs.</summary>
public readonly record struct TerminalSize(ushort Height, ushort Width);

/// <summary>A bind mount of a file the kernel generated (hosts, hostname, resolv.conf) or of a host path.</summary>
public sealed record BindMount(string Source, string Destination, bool ReadOnly);

public sealed record ContainerSpecInput(
    string Id,
    string RootfsPath,
    string Hostname,
    ProcessSpec Process,
    bool HostNetwork,
    IReadOnlyList<BindMount> Binds,
    bool Privileged = false,
    bool ReadonlyRootfs = false,
    Modular.Api.Models.Resources? Resources = null,
    IReadOnlyList<Modular.Kernel.Containers.Mounts.SpecMount>? UserMounts = null,
    long ShmSize = 0,
    string? NetworkNamespacePath = null);

/// <summary>
/// Builds the OCI runtime spec (config.json) the way dockerd does for a default container: its mounts, capabilities,
/// masked and read-only paths, namespaces and device rules. Limits the host forbids (rlimits above the hard limit)
/// are never requested: the container inherits the daemon's.
/// </summary>
public static class OciSpecBuilder
{
    public static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>
    /// What "privileged" grants: every capability the daemon itself holds in its bounding set, as dockerd does. Asking
    /// for more fails (this machine's daemon, for one, has no CAP_SYS_RESOURCE).
    /// </summary>
    public static readonly string[] AllCapabilities = HeldCapabilities();

    /// <summary>Every capability name the kernel defines, for validating --cap-add and --cap-drop.</summary>
    public static readonly IReadOnlySet<string> KnownCapabilityNames = KnownCapabilities().ToHashSet();

    // In capability-number order: position n is capability n.
    private static string[] KnownCapabilities() =>
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static string[] HeldCapabilities()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)) : null;
        var boundingSet = line is null ? ulong.MaxValue : Convert.ToUInt64(line["CapBnd:".Length..].Trim(), 16);
        return KnownCapabilities().Where((_, number) => (boundingSet & (1UL << number)) != 0).ToArray();
    }

    private static readonly string[] MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ];

    private static readonly string[] ReadonlyPaths =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>The spec's "process" object; also the whole of what `runc exec --process` takes.</summary>
    public static JsonObject BuildProcess(ProcessSpec process)
    {
        var capabilities = new JsonArray((process.AllCapabilities ? AllCapabilities : DefaultCapabilities).Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        var user = new JsonObject
        {
            ["uid"] = process.User.Uid,
            ["gid"] = process.User.Gid,
        };
        if (process.User.AdditionalGids.Count > 0)
        {
            user["additionalGids"] = new JsonArray(process.User.AdditionalGids.Select(g => (JsonNode)JsonValue.Create(g)).ToArray());
        }
        var spec = new JsonObject
        {
            ["terminal"] = process.Terminal,
            ["user"] = user,
            ["args"] = Strings(process.Args),
            ["env"] = Strings(process.Env),
            ["cwd"] = process.Cwd,
            ["capabilities"] = new JsonObject
            {
                ["bounding"] = capabilities.DeepClone(),
                ["effective"] = capabilities.DeepClone(),
                ["permitted"] = capabilities.DeepClone(),
            },
            ["noNewPrivileges"] = false,
        };
        if (process.Terminal && process.ConsoleSize is { } size)
        {
            spec["consoleSize"] = new JsonObject { ["height"] = size.Height, ["width"] = size.Width };
        }
        return spec;
    }

    public static JsonObject Build(ContainerSpecInput input)
    {
        var namespaces = new JsonArray(
            Namespace("pid"), Namespace("ipc"), Namespace("uts"), Namespace("mount"));
        if (!input.HostNetwork)
        {
            // --network container:<other> joins the other container's namespace instead of making one.
            var network = Namespace("network");
            if (input.NetworkNamespacePath is { } path)
            {
                network["path"] = path;
            }
            namespaces.Add(network);
        }

        var spec = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = BuildProcess(input.Process),
            ["root"] = new JsonObject { ["path"] = input.RootfsPath, ["readonly"] = input.ReadonlyRootfs },
            ["hostname"] = input.Hostname,
            ["mounts"] = Mounts(input),
            ["linux"] = new JsonObject
            {
                ["namespaces"] = namespaces,
                ["cgroupsPath"] = $"/modular/{input.Id}",
                ["resources"] = WithDevices(input.Resources is null ? new JsonObject() : ResourceLimits.Build(input.Resources), new JsonArray(
                        Device(false, null, null, null, "rwm"),
                        Device(true, "c", 1, 3, "rwm"), Device(true, "c", 1, 5, "rwm"), Device(true, "c", 1, 7, "rwm"),
                        Device(true, "c", 1, 8, "rwm"), Device(true, "c", 1, 9, "rwm"), Device(true, "c", 5, 0, "rwm"),
                        Device(true, "c", 5, 1, "rwm"), Device(true, "c", 5, 2, "rwm"), Device(true, "c", 136, null, "rwm"),
                        Device(true, "c", null, null, "m"), Device(true, "b", null, null, "m"))),
                ["maskedPaths"] = Strings(MaskedPaths),
                ["readonlyPaths"] = Strings(ReadonlyPaths),
            },
        };
        if (Containers.Mounts.ContainerMountSetup.RootPropagation(input.UserMounts ?? []) is { } propagation)
        {
            spec["linux"]!["rootfsPropagation"] = propagation;
        }
        return spec;
    }

    private static JsonArray Mounts(ContainerSpecInput input)
    {
        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", "ro", "nosuid", "noexec", "nodev"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/dev/shm", "shm", "tmpfs", "nosuid", "noexec", "nodev", "mode=1777", $"size={(input.ShmSize > 0 ? input.ShmSize : 67108864)}"),
        };
        foreach (var bind in input.Binds)
        {
            mounts.Add(Mount(bind.Destination, bind.Source, "bind", bind.ReadOnly
                ? ["rbind", "rprivate", "ro"]
                : ["rbind", "rprivate"]));
        }
        // The user's mounts come last, parents first; one at a standard destination (/dev/shm, say) replaces the standard one.
        var user = input.UserMounts ?? [];
        foreach (var replaced in mounts.Where(m => user.Any(u => u.Destination == (string?)m!["destination"])).ToList())
        {
            mounts.Remove(replaced);
        }
        foreach (var mount in user)
        {
            mounts.Add(Mount(mount.Destination, mount.Source, mount.Type, [.. mount.Options]));
        }
        return mounts;
    }

    private static JsonObject WithDevices(JsonObject resources, JsonArray devices)
    {
        resources["devices"] = devices;
        return resources;
    }

    private static JsonObject Mount(string destination, string source, string type, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(options),
    };

    private static JsonObject Namespace(string type) => new() { ["type"] = type };

    private static JsonObject Device(bool allow, string? type, long? major, long? minor, string access)
    {
        var rule = new JsonObject { ["allow"] = allow };
        if (type is not null)
        {
            rule["type"] = type;
        }
        if (major is not null)
        {
            rule["major"] = major;
        }
        if (minor is not null)
        {
            rule["minor"] = minor;
        }
        rule["access"] = access;
        return rule;
    }

    private static JsonArray Strings(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
