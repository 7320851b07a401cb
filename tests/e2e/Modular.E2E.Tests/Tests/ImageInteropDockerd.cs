using System.Diagnostics;
using Modular.E2E.Tests.Harness;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Debian's dockerd 20.10 of its own, as bench/lib.sh starts it: private data-root, exec-root, socket and containerd
/// namespace, overlay2, no bridge and no iptables, so it never touches the host's networking or another daemon.
/// </summary>
internal sealed class ImageInteropDockerd : IAsyncDisposable
{
    private Process? _process;

    private ImageInteropDockerd(string root)
    {
        Root = root;
    }

    public string Root { get; }
    public string Host => "unix://" + Path.Combine(Root, "docker.sock");
    private string LogPath => Path.Combine(Root, "dockerd.log");

    public static async Task<ImageInteropDockerd> StartAsync()
    {
        var dockerd = new ImageInteropDockerd(TempRoot.Create());
        try
        {
            await dockerd.LaunchAsync();
            return dockerd;
        }
        catch
        {
            await dockerd.DisposeAsync();
            throw;
        }
    }

    public Task<CommandResult> Docker(params string[] arguments) => Docker(TimeSpan.FromMinutes(2), arguments);

    public Task<CommandResult> Docker(TimeSpan timeout, params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.DockerCli, arguments, new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Host,
            ["DOCKER_CONFIG"] = Path.Combine(Root, "docker-config"),
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
            ["DOCKER_CLI_HINTS"] = "false",
        }, timeout: timeout);

    /// <summary>busybox:latest through contrib/mkimage/busybox.sh, the same reproducible layer modulard gets.</summary>
    public async Task ImportBusyboxAsync()
    {
        var import = await CommandRunner.RunAsync("bash", [RepoLayout.BusyboxScript, "--docker"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = Host, ["DOCKER_CONFIG"] = Path.Combine(Root, "docker-config") },
            timeout: TimeSpan.FromMinutes(3));
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException($"importing busybox into dockerd failed: {import}");
        }
    }

    private async Task LaunchAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "docker-config"));
        await File.WriteAllTextAsync(Path.Combine(Root, "daemon.json"), "{}");
        var namespace_ = Path.GetFileName(Root);
        var start = new ProcessStartInfo("dockerd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-H", Host, "--data-root", Path.Combine(Root, "data"), "--exec-root", Path.Combine(Root, "exec"),
                     "--pidfile", Path.Combine(Root, "docker.pid"), "--config-file", Path.Combine(Root, "daemon.json"),
                     "--storage-driver", "overlay2", "--bridge", "none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                     "--containerd-namespace", namespace_, "--containerd-plugins-namespace", namespace_ + "-plugins",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("dockerd did not start");
        var log = File.CreateText(LogPath);
        log.AutoFlush = true;
        _process.OutputDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.WriteLine(line.Data); };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.WriteLine(line.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with {_process.ExitCode}: {ReadLog()}");
            }
            if ((await Docker(TimeSpan.FromSeconds(10), "version", "--format", "{{.Server.Version}}")).ExitCode == 0)
            {
                return;
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"dockerd did not answer within 60 s: {ReadLog()}");
    }

    private string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM lets dockerd stop its containerd and unmount its layers.
            Libc.Signal(_process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process?.Dispose();
        var problems = await RootSweeper.SweepAsync(Root, [Path.Combine(Root, "exec", "runtime-runc", "moby")]);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("cleanup of " + Root + " left:\n" + string.Join('\n', problems));
        }
    }
}
