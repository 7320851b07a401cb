using System.CommandLine;

namespace Modular.Cli.Commands;

/// <summary>The healthcheck, privilege and limit flags of run/create, as given on the command line.</summary>
internal sealed record SecurityHealthSettings
{
    public string? HealthCmd { get; init; }
    public string? HealthInterval { get; init; }
    public string? HealthTimeout { get; init; }
    public string? HealthStartPeriod { get; init; }
    public string? HealthStartInterval { get; init; }
    public string? HealthRetries { get; init; }
    public bool NoHealthcheck { get; init; }
    public bool Privileged { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public IReadOnlyList<string> SecurityOpt { get; init; } = [];
    /// <summary>Null when --init was not given: docker only sends HostConfig.Init when the flag was changed.</summary>
    public bool? Init { get; init; }
    public IReadOnlyList<string> Devices { get; init; } = [];
    public IReadOnlyList<string> Ulimits { get; init; } = [];
    public IReadOnlyList<string> Sysctls { get; init; } = [];
    public IReadOnlyList<string> GroupAdd { get; init; } = [];
    public bool OomKillDisable { get; init; }
}

/// <summary>Defines and reads the healthcheck and security/limit flags; values are validated later, when the request is built.</summary>
internal sealed class SecurityHealthFlags
{
    private readonly Option<string?> _healthCmd = new("--health-cmd") { Description = "Command to run to check health" };
    private readonly Option<string?> _healthInterval = new("--health-interval") { Description = "Time between running the check (ms|s|m|h) (default 0s)" };
    private readonly Option<string?> _healthTimeout = new("--health-timeout") { Description = "Maximum time to allow one check to run (ms|s|m|h) (default 0s)" };
    private readonly Option<string?> _healthStartPeriod = new("--health-start-period") { Description = "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)" };
    private readonly Option<string?> _healthStartInterval = new("--health-start-interval") { Description = "Time between running the check during the start period (ms|s|m|h) (default 0s)" };
    private readonly Option<string?> _healthRetries = new("--health-retries") { Description = "Consecutive failures needed to report unhealthy" };
    private readonly Option<bool> _noHealthcheck = new("--no-healthcheck") { Description = "Disable any container-specified HEALTHCHECK" };
    private readonly Option<bool> _privileged = new("--privileged") { Description = "Give extended privileges to this container" };
    private readonly Option<string[]> _capAdd = Multi("--cap-add", "Add Linux capabilities");
    private readonly Option<string[]> _capDrop = Multi("--cap-drop", "Drop Linux capabilities");
    private readonly Option<string[]> _securityOpt = Multi("--security-opt", "Security Options");
    private readonly Option<bool> _init = new("--init") { Description = "Run an init inside the container that forwards signals and reaps processes" };
    private readonly Option<string[]> _device = Multi("--device", "Add a host device to the container");
    private readonly Option<string[]> _ulimit = Multi("--ulimit", "Ulimit options");
    private readonly Option<string[]> _sysctl = Multi("--sysctl", "Sysctl options");
    private readonly Option<string[]> _groupAdd = Multi("--group-add", "Add additional groups to join");
    private readonly Option<bool> _oomKillDisable = new("--oom-kill-disable") { Description = "Disable OOM Killer" };

    private static Option<string[]> Multi(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _healthCmd, _healthInterval, _healthTimeout, _healthStartPeriod, _healthStartInterval, _healthRetries,
                     _noHealthcheck, _privileged, _capAdd, _capDrop, _securityOpt, _init, _device, _ulimit, _sysctl, _groupAdd, _oomKillDisable })
            command.Options.Add(option);
    }

    public SecurityHealthSettings Read(ParseResult result) => new()
    {
        HealthCmd = result.GetValue(_healthCmd),
        HealthInterval = result.GetValue(_healthInterval),
        HealthTimeout = result.GetValue(_healthTimeout),
        HealthStartPeriod = result.GetValue(_healthStartPeriod),
        HealthStartInterval = result.GetValue(_healthStartInterval),
        HealthRetries = result.GetValue(_healthRetries),
        NoHealthcheck = result.GetValue(_noHealthcheck),
        Privileged = result.GetValue(_privileged),
        CapAdd = result.GetValue(_capAdd) ?? [],
        CapDrop = result.GetValue(_capDrop) ?? [],
        SecurityOpt = result.GetValue(_securityOpt) ?? [],
        Init = result.GetResult(_init) is { Implicit: false } ? result.GetValue(_init) : null,
        Devices = result.GetValue(_device) ?? [],
        Ulimits = result.GetValue(_ulimit) ?? [],
        Sysctls = result.GetValue(_sysctl) ?? [],
        GroupAdd = result.GetValue(_groupAdd) ?? [],
        OomKillDisable = result.GetValue(_oomKillDisable),
    };
}
