using System.CommandLine;

namespace Modular.Cli.Commands;

/// <summary>What run/create were asked to do, independent of the command-line library.</summary>
internal sealed record RunSettings
{
    public required string Image { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    public string? Name { get; init; }
    public bool Detach { get; init; }
    public bool Remove { get; init; }
    public bool Interactive { get; init; }
    public bool Tty { get; init; }
    public IReadOnlyList<string> Attach { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    public IReadOnlyList<string> EnvFiles { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    /// <summary>Null when the flag was not given; "" when given empty (which resets the image's entrypoint).</summary>
    public string? Entrypoint { get; init; }
    public string? Network { get; init; }
    public string? Runtime { get; init; }
    public string? LogDriver { get; init; }
    public IReadOnlyList<string> LogOptions { get; init; } = [];
    public string? Hostname { get; init; }
    /// <summary>--detach-keys as given; null for the default ctrl-p,ctrl-q.</summary>
    public string? DetachKeys { get; init; }
    /// <summary>--sig-proxy (default true): forward this process's signals to the container while attached without a TTY.</summary>
    public bool SigProxy { get; init; } = true;
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Mounts { get; init; } = [];
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<string> VolumesFrom { get; init; } = [];
    public bool ReadOnly { get; init; }
    public string? ShmSize { get; init; }
    public SecurityHealthSettings SecurityHealth { get; init; } = new();
}

/// <summary>The flags of run and create: the ones implemented, and docker's other flags, which are refused by name.</summary>
internal sealed class RunFlags
{
    public readonly Option<bool> Detach = new("--detach", "-d") { Description = "Run container in background and print container ID" };
    public readonly Option<bool> Remove = new("--rm") { Description = "Automatically remove the container and its associated anonymous volumes when it exits" };
    public readonly Option<string?> Name = new("--name") { Description = "Assign a name to the container" };
    public readonly Option<string[]> Env = Multi("--env", "-e", "Set environment variables");
    public readonly Option<string[]> EnvFile = Multi("--env-file", null, "Read in a file of environment variables");
    public readonly Option<string?> WorkingDir = new("--workdir", "-w") { Description = "Working directory inside the container" };
    public readonly Option<string?> User = new("--user", "-u") { Description = "Username or UID (format: <name|uid>[:<group|gid>])" };
    public readonly Option<string?> Entrypoint = new("--entrypoint") { Description = "Overwrite the default ENTRYPOINT of the image" };
    public readonly Option<string?> Network = new("--network", "--net") { Description = "Connect a container to a network" };
    public readonly Option<string?> Runtime = new("--runtime") { Description = "Runtime to use for this container" };
    public readonly Option<bool> Interactive = new("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };
    public readonly Option<bool> Tty = new("--tty", "-t") { Description = "Allocate a pseudo-TTY" };
    public readonly Option<string[]> Attach = Multi("--attach", "-a", "Attach to STDIN, STDOUT or STDERR");
    public readonly Option<string?> LogDriver = new("--log-driver") { Description = "Logging driver for the container" };
    public readonly Option<string[]> LogOpt = Multi("--log-opt", null, "Log driver options");
    public readonly Option<string[]> Label = Multi("--label", "-l", "Set meta data on a container");
    public readonly Option<string?> Hostname = new("--hostname", "-h") { Description = "Container host name" };
    public readonly Option<string?> DetachKeys = new("--detach-keys") { Description = "Override the key sequence for detaching a container" };
    public readonly Option<bool> SigProxy = new("--sig-proxy") { Description = "Proxy received signals to the process", DefaultValueFactory = _ => true };
    public readonly Option<string[]> Volume = Multi("--volume", "-v", "Bind mount a volume");
    public readonly Option<string[]> Mount = Multi("--mount", null, "Attach a filesystem mount to the container");
    public readonly Option<string[]> Tmpfs = Multi("--tmpfs", null, "Mount a tmpfs directory");
    public readonly Option<string[]> VolumesFrom = Multi("--volumes-from", null, "Mount volumes from the specified container(s)");
    public readonly Option<bool> ReadOnly = new("--read-only") { Description = "Mount the container's root filesystem as read only" };
    public readonly Option<string?> ShmSize = new("--shm-size") { Description = "Size of /dev/shm" };
    private readonly SecurityHealthFlags _securityHealth = new();

    /// <summary>Docker flags this engine does not implement yet. Accepting them silently would run something other
    /// than what was asked, so they parse (to give a precise message) and are refused.</summary>
    private static readonly (string Name, string? Alias, bool TakesValue)[] NotImplemented =
    [
        ("--publish", "-p", true), ("--publish-all", "-P", false),
        ("--memory", "-m", true), ("--memory-swap", null, true), ("--memory-reservation", null, true), ("--cpus", null, true),
        ("--cpu-shares", "-c", true), ("--cpuset-cpus", null, true), ("--pids-limit", null, true), ("--restart", null, true),
        ("--dns", null, true), ("--dns-search", null, true), ("--dns-option", null, true), ("--add-host", null, true),
        ("--pid", null, true), ("--ipc", null, true), ("--uts", null, true), ("--userns", null, true),
        ("--gpus", null, true), ("--platform", null, true), ("--pull", null, true), ("--expose", null, true), ("--link", null, true),
        ("--cgroupns", null, true), ("--cgroup-parent", null, true), ("--cidfile", null, true),
        ("--stop-signal", null, true), ("--stop-timeout", null, true),
        ("--isolation", null, true), ("--annotation", null, true), ("--ip", null, true), ("--ip6", null, true),
        ("--mac-address", null, true), ("--label-file", null, true), ("--domainname", null, true),
        ("--storage-opt", null, true), ("--network-alias", null, true), ("--quiet", "-q", false),
        ("--disable-content-trust", null, false), ("--blkio-weight", null, true), ("--device-cgroup-rule", null, true),
    ];

    private readonly List<Option> _notImplemented = [];

    private static Option<string[]> Multi(string name, string? alias, string description)
    {
        var option = alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias);
        option.Description = description;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Attach, Detach, DetachKeys, Entrypoint, Env, EnvFile, Hostname, Interactive, Label, LogDriver, LogOpt, Name, Network, Remove, Runtime, SigProxy, Tty, User, WorkingDir, Volume, Mount, Tmpfs, VolumesFrom, ReadOnly, ShmSize })
            command.Options.Add(option);
        _securityHealth.AddTo(command);

        foreach (var (name, alias, takesValue) in NotImplemented)
        {
            Option option = takesValue
                ? (alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias))
                : (alias is null ? new Option<bool>(name) : new Option<bool>(name, alias));
            option.Hidden = true;
            _notImplemented.Add(option);
            command.Options.Add(option);
        }
    }

    /// <summary>The first refused flag that was given, e.g. "--publish".</summary>
    public string? FirstNotImplemented(ParseResult result) =>
        _notImplemented.FirstOrDefault(option => result.GetResult(option) is { Implicit: false })?.Name;

    public RunSettings Read(ParseResult result, IReadOnlyList<string> positional) => new()
    {
        Image = positional[0],
        Command = positional.Skip(1).ToList(),
        Name = result.GetValue(Name),
        Detach = result.GetValue(Detach),
        Remove = result.GetValue(Remove),
        Interactive = result.GetValue(Interactive),
        Tty = result.GetValue(Tty),
        Attach = result.GetValue(Attach) ?? [],
        Env = result.GetValue(Env) ?? [],
        EnvFiles = result.GetValue(EnvFile) ?? [],
        Labels = result.GetValue(Label) ?? [],
        WorkingDir = result.GetValue(WorkingDir),
        User = result.GetValue(User),
        Entrypoint = result.GetResult(Entrypoint) is { Implicit: false } ? result.GetValue(Entrypoint) ?? "" : null,
        Network = result.GetValue(Network),
        Runtime = result.GetValue(Runtime),
        LogDriver = result.GetValue(LogDriver),
        LogOptions = result.GetValue(LogOpt) ?? [],
        Hostname = result.GetValue(Hostname),
        DetachKeys = result.GetValue(DetachKeys),
        SigProxy = result.GetValue(SigProxy),
        Volumes = result.GetValue(Volume) ?? [],
        Mounts = result.GetValue(Mount) ?? [],
        Tmpfs = result.GetValue(Tmpfs) ?? [],
        VolumesFrom = result.GetValue(VolumesFrom) ?? [],
        ReadOnly = result.GetValue(ReadOnly),
        ShmSize = result.GetValue(ShmSize),
        SecurityHealth = _securityHealth.Read(result),
    };
}
