using System.Diagnostics;
using Xunit;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// A modulard of its own: fresh data-root, exec-root, socket and pidfile under /tmp/modular-e2e-&lt;random&gt;/,
/// busybox:latest imported, and a dispose that leaves no process, container, mount or file behind.
/// </summary>
public sealed class PrivateDaemon : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;

    public PrivateDaemon()
    {
        Root = TempRoot.Create();
        Directory.CreateDirectory(DockerConfigDirectory);
        Api = UnixSocketHttp.Create(SocketPath);
    }

    public string Root { get; }

    /// <summary>
    /// The --storage-driver this daemon starts with; overlay2 unless a test sets another before starting it. Null passes
    /// no --storage-driver, so the daemon selects one itself; a test may change it between a stop and the next start.
    /// </summary>
    public string? StorageDriver { get; set; } = "overlay2";

    /// <summary>More daemon flags (e.g. --storage-opt) appended after the standard ones at every start.</summary>
    public IReadOnlyList<string> ExtraArguments { get; set; } = [];

    /// <summary>The selected driver's own folder, where its layers live: &lt;data-root&gt;/storage/&lt;driver&gt;.</summary>
    public string StorageFolder => Path.Combine(DataRoot, "storage",
        StorageDriver ?? throw new InvalidOperationException("no --storage-driver was given: name the folder's driver explicitly"));

    public string DataRoot => Path.Combine(Root, "data");
    public string ExecRoot => Path.Combine(Root, "exec");
    public string SocketPath => Path.Combine(Root, "modulard.sock");
    public string Host => "unix://" + SocketPath;
    public string PidFile => Path.Combine(Root, "modulard.pid");
    public string LogPath => Path.Combine(Root, "modulard.log");
    public string RuncStateRoot => Path.Combine(ExecRoot, "runtime", "runc");

    /// <summary>The default bridge network's interface, unique to this daemon (modular-e2e-&lt;hex&gt; gives me&lt;hex&gt;) so parallel daemons never share one.</summary>
    public string BridgeName => "me" + Path.GetFileName(Root)["modular-e2e-".Length..];
    private string DockerConfigDirectory => Path.Combine(Root, "docker-config");

    /// <summary>Raw Engine API access for assertions the CLIs would hide (status codes, error bodies).</summary>
    public HttpClient Api { get; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync();
            await ImportBusyboxAsync();
        }
        catch
        {
            // A fixture whose start failed may never be disposed by the runner; clean up here, idempotently.
            await StopAsync();
            await RootSweeper.SweepAsync(Root, [RuncStateRoot]);
            throw;
        }
    }

    /// <summary>Starts modulard on this fixture's roots and waits until /_ping answers.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(RepoLayout.Daemon))
        {
            throw new InvalidOperationException($"{RepoLayout.Daemon} does not exist: run ./setup.sh --build-only first");
        }
        File.AppendAllText(LogPath, $"==== start {DateTime.UtcNow:O}\n");
        // Through sh so the daemon writes straight to its log file: it must not depend on our pipes (a crash test
        // kills it mid-write), and `exec` keeps the daemon's PID equal to the one we hold.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$MODULAR_E2E_LOG\" 2>&1");
        startInfo.ArgumentList.Add(RepoLayout.Daemon);
        foreach (var argument in DaemonArguments())
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["MODULAR_E2E_LOG"] = LogPath;
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start modulard");
        await WaitUntilPingAnswersAsync(_process);
    }

    /// <summary>The flags every start uses; the config file is an empty one of our own so the host's /etc/modular is never read.</summary>
    private IEnumerable<string> DaemonArguments()
    {
        var configFile = Path.Combine(Root, "daemon.json");
        if (!File.Exists(configFile))
        {
            File.WriteAllText(configFile, "{}\n");
        }
        string[] storageDriver = StorageDriver is null ? [] : ["--storage-driver", StorageDriver];
        return
        [
            "-H", Host,
            "--data-root", DataRoot,
            "--exec-root", ExecRoot,
            "--pidfile", PidFile,
            "--config-file", configFile,
            "--bridge", BridgeName,
            .. storageDriver,
            "--debug",
            .. ExtraArguments,
        ];
    }

    private async Task WaitUntilPingAnswersAsync(Process process)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"modulard exited with {process.ExitCode} before answering /_ping\n{ReadLog()}");
            }
            try
            {
                using var response = await Api.GetAsync("_ping");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        await StopAsync();
        throw new TimeoutException($"modulard did not answer /_ping within {StartTimeout.TotalSeconds} s\n{ReadLog()}");
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within the grace period.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        Libc.Signal(process.Id, Libc.SigTerm);
        using var deadline = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>SIGKILL to the daemon alone (not its process group): what a crash looks like to the shims.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        Libc.Signal(process.Id, Libc.SigKill);
        await process.WaitForExitAsync();
    }

    public string ReadLog()
    {
        if (!File.Exists(LogPath))
        {
            return "(no daemon log)";
        }
        var lines = File.ReadAllLines(LogPath);
        return "--- modulard log (last 60 lines) ---\n" + string.Join('\n', lines.TakeLast(60));
    }

    /// <summary>Everything the daemon logged since the latest start (each start appends a "==== start" marker).</summary>
    public string ReadLogSinceLastStart()
    {
        if (!File.Exists(LogPath))
        {
            return "";
        }
        var log = File.ReadAllText(LogPath);
        var marker = log.LastIndexOf("==== start ", StringComparison.Ordinal);
        return marker < 0 ? log : log[marker..];
    }

    public Task<CommandResult> Docker(params string[] arguments) => DockerWithInput(null, arguments);

    public Task<CommandResult> DockerWithInput(string? standardInput, params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.DockerCli, arguments, DockerEnvironment(), standardInput);

    public Task<CommandResult> DockerWithTimeout(TimeSpan timeout, params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.DockerCli, arguments, DockerEnvironment(), timeout: timeout);

    public Task<CommandResult> Modular(params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.Cli, new[] { "-H", Host }.Concat(arguments), ModularEnvironment());

    private Dictionary<string, string?> DockerEnvironment() => new()
    {
        ["DOCKER_HOST"] = Host,
        // A private config folder: no host contexts, credentials or CLI plugins influence the result.
        ["DOCKER_CONFIG"] = DockerConfigDirectory,
        ["DOCKER_CONTEXT"] = null,
        ["DOCKER_API_VERSION"] = null,
        ["DOCKER_CLI_HINTS"] = "false",
    };

    private Dictionary<string, string?> ModularEnvironment() => new()
    {
        ["MODULAR_HOST"] = Host,
    };

    /// <summary>
    /// Through contrib/mkimage/busybox.sh with the modular CLI; MODULAR_E2E_IMPORT_CLIENT=docker imports with the
    /// docker CLI instead, to test the daemon while the modular CLI's import is broken.
    /// </summary>
    private async Task ImportBusyboxAsync()
    {
        var useDocker = Environment.GetEnvironmentVariable("MODULAR_E2E_IMPORT_CLIENT") == "docker";
        var environment = useDocker ? DockerEnvironment() : ModularEnvironment();
        environment["MODULAR_CLI"] = RepoLayout.Cli;
        string[] arguments = useDocker ? [RepoLayout.BusyboxScript, "--docker"] : [RepoLayout.BusyboxScript];
        var import = await CommandRunner.RunAsync("bash", arguments, environment, timeout: TimeSpan.FromMinutes(3));
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException($"importing busybox failed: {import}\n{ReadLog()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await StopAsync();
        var problems = await RootSweeper.SweepAsync(Root, [RuncStateRoot]);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("cleanup of " + Root + " left:\n" + string.Join('\n', problems));
        }
    }
}
