using System.Diagnostics;
using System.Text.Json;
using Modular.Kernel.Configuration;
using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>
/// Drives one OCI runtime binary (runc, crun, or one from daemon.json) the way containerd's shim does:
/// `create` with the container's stdio, then `start`, `kill`, `delete`. Runtime state lives in
/// <c>&lt;exec-root&gt;/runtime/&lt;name&gt;</c>, so it disappears with a reboot like the containers themselves.
/// </summary>
public sealed class OciRuntime
{
    private readonly RuntimeConfig _config;
    private readonly string _stateRoot;

    public OciRuntime(string name, RuntimeConfig config, string execRoot)
    {
        Name = name;
        _config = config;
        _stateRoot = Path.Combine(execRoot, "runtime", name);
    }

    public string Name { get; }

    public string StateRoot => _stateRoot;

    /// <summary>The runtime binary and the global arguments daemon.json gives it, for the shim that runs `create`.</summary>
    public string BinaryPath => _config.Path;

    public IReadOnlyList<string> GlobalArguments => _config.RuntimeArgs;

    /// <summary>The files a `create` in <paramref name="bundle"/> leaves: its JSON log and the init's pid.</summary>
    public static string CreateLogFile(string bundle) => Path.Combine(bundle, "runtime.log");

    /// <summary>The error of a failed `create`, in the runtime's own words from its JSON log (or its stderr).</summary>
    public DriverException CreateFailure(string bundle, string stderr) =>
        RuntimeError("create", LastError(CreateLogFile(bundle)) ?? stderr.Trim());

    public Task StartAsync(string id, CancellationToken cancellationToken) => RunAsync(cancellationToken, "start", id);

    /// <summary>
    /// Starts an extra process in a running container (`runc exec --detach`): the process inherits the returned pipes
    /// and, once the runtime exits, becomes the daemon's child. With <paramref name="discardStdio"/> (an exec no client
    /// can ever read, `docker exec -d`) its stdio is /dev/null instead, as dockerd gives it: then nothing ties it to the
    /// daemon, and it outlives a daemon crash (a pipe to a dead daemon would end it with SIGPIPE at its first write).
    /// </summary>
    public async Task<CreatedContainer> ExecAsync(string id, string processFile, string pidFile, string? consoleSocket, bool discardStdio,
        CancellationToken cancellationToken)
    {
        var logFile = Path.ChangeExtension(processFile, ".log");
        string[] args = ["--log", logFile, "--log-format", "json",
            "exec", "--detach", "--pid-file", pidFile, "--process", processFile, .. ConsoleArguments(consoleSocket), id];
        var runtime = StartInfo(redirectStdio: true, args);
        return await LaunchDetachedAsync("exec", logFile, pidFile, discardStdio ? WithStdioDiscarded(runtime) : runtime, cancellationToken);
    }

    /// <summary>
    /// Runs a runtime command that leaves a process behind (exec --detach): the process keeps the runtime's stdio;
    /// a failure is reported with the runtime's own words from its JSON log.
    /// </summary>
    private async Task<CreatedContainer> LaunchDetachedAsync(string operation, string logFile, string pidFile, ProcessStartInfo startInfo,
        CancellationToken cancellationToken)
    {
        var process = Process.Start(startInfo) ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {_config.Path}");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
            var reason = LastError(logFile) ?? stderr.Trim();
            process.Dispose();
            throw RuntimeError(operation, reason);
        }
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim());
        return new CreatedContainer(pid, process);
    }

    /// <summary>Applies new resource limits to a running container (`runc update --resources -`).</summary>
    public async Task UpdateAsync(string id, System.Text.Json.Nodes.JsonObject resources, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(redirectStdio: true, "update", "--resources", "-", id))
            ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {_config.Path}");
        await process.StandardInput.WriteAsync(resources.ToJsonString());
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw RuntimeError("update", (await stderr).Trim());
        }
    }

    public Task PauseAsync(string id, CancellationToken cancellationToken) => RunAsync(cancellationToken, "pause", id);

    public Task ResumeAsync(string id, CancellationToken cancellationToken) => RunAsync(cancellationToken, "resume", id);

    /// <summary>The host pids of every process in the container.</summary>
    public async Task<IReadOnlyList<int>> ProcessIdsAsync(string id, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(redirectStdio: false, "ps", "--format", "json", id))!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw RuntimeError("ps", (await process.StandardError.ReadToEndAsync(cancellationToken)).Trim());
        }
        return JsonSerializer.Deserialize<int[]>(output.Trim() is { Length: > 0 } json ? json : "[]") ?? [];
    }

    /// <summary>Deletes the runtime's record (and cgroups) of a stopped container; a missing one is fine.</summary>
    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        IsPlainRunc && RuncStoppedState.TryRelease(Path.Combine(_stateRoot, id))
            ? Task.CompletedTask
            : RunAsync(cancellationToken, "delete", "--force", id);

    // runc with no global arguments keeps the state RuncStoppedState knows under our --root; any other runtime, or
    // runc told otherwise, is always asked to delete.
    private bool IsPlainRunc => Path.GetFileName(_config.Path) == "runc" && _config.RuntimeArgs.Count == 0;

    /// <summary>The runtime's status of the container ("created", "running", "paused", "stopped"), or null if it has none.</summary>
    public async Task<string?> StateAsync(string id, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(redirectStdio: false, "state", id))!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            return null;
        }
        using var state = JsonDocument.Parse(output);
        return state.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    /// <summary>Ids of every container the runtime still has state for.</summary>
    public IReadOnlyList<string> ListIds() =>
        Directory.Exists(_stateRoot) ? Directory.GetDirectories(_stateRoot).Select(Path.GetFileName).OfType<string>().ToList() : [];

    public string Version()
    {
        try
        {
            using var process = Process.Start(StartInfo(redirectStdio: false, "--version"))!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "";
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var process = Process.Start(StartInfo(redirectStdio: false, args))
            ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {_config.Path}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw RuntimeError(args[0], (await stderr).Trim());
        }
    }

    private static string[] ConsoleArguments(string? consoleSocket) => consoleSocket is null ? [] : ["--console-socket", consoleSocket];

    // Process cannot hand a child an arbitrary descriptor, so a shell opens /dev/null and execs the runtime in place
    // (same pid, same exit status; the runtime's errors still reach its JSON log).
    private static ProcessStartInfo WithStdioDiscarded(ProcessStartInfo runtime)
    {
        var shell = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-c", "exec \"$@\" </dev/null >/dev/null 2>&1", "sh", runtime.FileName, .. runtime.ArgumentList])
        {
            shell.ArgumentList.Add(arg);
        }
        return shell;
    }

    private ProcessStartInfo StartInfo(bool redirectStdio, params string[] args)
    {
        var info = new ProcessStartInfo(_config.Path)
        {
            RedirectStandardInput = redirectStdio,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in _config.RuntimeArgs)
        {
            info.ArgumentList.Add(arg);
        }
        info.ArgumentList.Add("--root");
        info.ArgumentList.Add(_stateRoot);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    private DriverException RuntimeError(string operation, string reason)
    {
        // Docker's wording, so the docker CLI's exit-code rules (127 for "executable file not found",
        // 126 for "permission denied") apply to our errors unchanged.
        var kind = reason.Contains("executable file not found", StringComparison.Ordinal)
            || reason.Contains("no such file or directory", StringComparison.Ordinal)
            || reason.Contains("permission denied", StringComparison.Ordinal)
                ? DriverErrorKind.InvalidArgument
                : DriverErrorKind.Internal;
        // runc's own exec errors already begin "exec failed:"; containerd adds nothing in that case either.
        var detail = reason.StartsWith($"{operation} failed:", StringComparison.Ordinal) ? reason : $"{Name} {operation} failed: {reason}";
        return new DriverException(kind, $"OCI runtime {operation} failed: {detail}: unknown");
    }

    private static string? LastError(string logFile)
    {
        if (!File.Exists(logFile))
        {
            return null;
        }
        string? message = null;
        foreach (var line in File.ReadLines(logFile))
        {
            try
            {
                using var entry = JsonDocument.Parse(line);
                if (entry.RootElement.TryGetProperty("level", out var level) && level.GetString() is "error" or "fatal"
                    && entry.RootElement.TryGetProperty("msg", out var msg))
                {
                    message = msg.GetString();
                }
            }
            catch (JsonException)
            {
                // crun writes plain text lines: the last one is the reason.
                message = line.Trim();
            }
        }
        return message is null ? null : StripPrefix(message);
    }

    private static string StripPrefix(string message)
    {
        foreach (var prefix in new[] { "runc create failed: ", "runc run failed: ", "runc exec failed: " })
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return message[prefix.Length..];
            }
        }
        return message;
    }
}

/// <summary>A created container's init process and the runtime process whose redirected pipes are its stdio.</summary>
public sealed record CreatedContainer(int Pid, Process StdioOwner) : IDisposable
{
    public Stream Stdin => StdioOwner.StandardInput.BaseStream;
    public Stream Stdout => StdioOwner.StandardOutput.BaseStream;
    public Stream Stderr => StdioOwner.StandardError.BaseStream;

    public void Dispose() => StdioOwner.Dispose();
}
