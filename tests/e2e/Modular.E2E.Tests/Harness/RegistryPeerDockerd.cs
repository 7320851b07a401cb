using System.Diagnostics;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// Debian's dockerd 20.10 with everything of its own under a temp root (data-root, exec-root, socket, containerd
/// namespace), no bridge and no iptables so it never touches the host's network; the peer of registry interop tests.
/// 127.0.0.1 registries are insecure for dockerd by default. Stopped and swept on dispose.
/// </summary>
public sealed class RegistryPeerDockerd : IAsyncDisposable
{
    private readonly Process _process;

    private RegistryPeerDockerd(string root, Process process)
    {
        Root = root;
        _process = process;
    }

    public string Root { get; }
    public string Host => "unix://" + Path.Combine(Root, "docker.sock");
    private string LogPath => Path.Combine(Root, "dockerd.log");

    public static async Task<RegistryPeerDockerd> StartAsync()
    {
        var root = TempRoot.Create();
        await File.WriteAllTextAsync(Path.Combine(root, "daemon.json"), "{}\n");
        var name = Path.GetFileName(root);
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec dockerd \"$@\" </dev/null >>\"$0\" 2>&1");
        startInfo.ArgumentList.Add(Path.Combine(root, "dockerd.log"));
        foreach (var argument in new[]
                 {
                     "-H", "unix://" + Path.Combine(root, "docker.sock"), "--data-root", Path.Combine(root, "data"),
                     "--exec-root", Path.Combine(root, "exec"), "--pidfile", Path.Combine(root, "docker.pid"),
                     "--config-file", Path.Combine(root, "daemon.json"), "--storage-driver", "overlay2", "--bridge", "none",
                     "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                     "--containerd-namespace", name, "--containerd-plugins-namespace", name + "-plugins",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }
        var peer = new RegistryPeerDockerd(root, Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dockerd"));
        try
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var version = await peer.Docker("version", "--format", "{{.Server.Version}}");
                if (version.ExitCode == 0)
                {
                    return peer;
                }
                if (peer._process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(40))
                {
                    throw new InvalidOperationException("dockerd did not come up:\n" + File.ReadAllText(peer.LogPath));
                }
                await Task.Delay(300);
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public Task<CommandResult> Docker(params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.DockerCli, arguments, new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Host,
            ["DOCKER_CONFIG"] = Path.Combine(Root, "docker-config"),
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
            ["DOCKER_CLI_HINTS"] = "false",
        }, timeout: TimeSpan.FromMinutes(2));

    /// <summary>busybox:latest from contrib/mkimage/busybox.sh, the same layer the private modulard has.</summary>
    public async Task ImportBusyboxAsync()
    {
        var import = await CommandRunner.RunAsync("bash", [RepoLayout.BusyboxScript, "--docker"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = Host, ["DOCKER_CONFIG"] = Path.Combine(Root, "docker-config") },
            timeout: TimeSpan.FromMinutes(2));
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException("importing busybox into dockerd failed: " + import);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets dockerd stop its containerd; whatever is left is killed by the sweep below.
            Libc.Signal(_process.Id, Libc.SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        await RootSweeper.SweepAsync(Root, []);
    }
}
