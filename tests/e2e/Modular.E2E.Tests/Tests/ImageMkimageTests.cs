using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The offline base images of contrib/mkimage: built from Debian's packages, imported with the modular CLI, run with docker.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageMkimageTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly List<string> _containers = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await daemon.Docker("rm", "-f", container);
        }
    }

    [Fact]
    public async Task NginxServesTheWelcomePageInTheForegroundWithItsAccessLogOnStdout()
    {
        await MustSucceed(Script("nginx.sh"));
        var name = Names.Unique("nginx");
        _containers.Add(name);

        var run = await daemon.Docker("run", "-d", "--name", name, "nginx");
        var page = await Eventually(() => daemon.Docker("exec", name, "wget", "-qO-", "http://127.0.0.1/"));
        var alpine = await daemon.Docker("image", "inspect", "-f", "{{.Id}}", "nginx:alpine");
        var latest = await daemon.Docker("image", "inspect", "-f", "{{.Id}} {{json .Config.Cmd}} {{.Config.StopSignal}}", "nginx:latest");
        var logs = await Eventually(() => daemon.Docker("logs", name), result => result.Stdout.Contains("GET / HTTP/1.1"));
        var processes = await daemon.Docker("top", name);
        var stop = await daemon.Docker("stop", name);
        var exit = await daemon.Docker("inspect", "-f", "{{.State.ExitCode}}", name);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("<title>Welcome to nginx!</title>", page.Stdout);
        Assert.StartsWith(alpine.Stdout.Trim() + " [\"nginx\",\"-g\",\"daemon off;\"] SIGQUIT", latest.Stdout);
        Assert.Contains("\"GET / HTTP/1.1\" 200 615", logs.Stdout);
        Assert.Contains("nginx: master process nginx -g daemon off;", processes.Stdout);
        Assert.Contains("nginx: worker process", processes.Stdout);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("0\n", exit.Stdout);
    }

    [Fact]
    public async Task DebianIsAMinbaseBookwormWithAptAndBash()
    {
        await MustSucceed(Script("debian.sh", TimeSpan.FromMinutes(15)));

        var release = await daemon.Docker("run", "--rm", "--network", "none", "debian:bookworm", "cat", "/etc/debian_version");
        var tools = await daemon.Docker("run", "--rm", "--network", "none", "debian", "bash", "-c", "command -v apt-get dpkg; echo $0");
        var same = await daemon.Docker("image", "inspect", "-f", "{{.Id}}", "debian:latest", "debian:bookworm");

        Assert.StartsWith("12.", release.Stdout);
        Assert.Equal("/usr/bin/apt-get\n/usr/bin/dpkg\nbash\n", tools.Stdout);
        var ids = same.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, ids.Length);
        Assert.Equal(ids[0], ids[1]);
    }

    private Task<CommandResult> Script(string name, TimeSpan? timeout = null) =>
        CommandRunner.RunAsync("bash", [Path.Combine(RepoLayout.Root, "contrib", "mkimage", name), "-H", daemon.Host],
            new Dictionary<string, string?> { ["MODULAR_CLI"] = RepoLayout.Cli }, timeout: timeout ?? TimeSpan.FromMinutes(5));

    private static async Task<CommandResult> Eventually(Func<Task<CommandResult>> attempt, Func<CommandResult, bool>? done = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var result = await attempt();
            if ((done?.Invoke(result) ?? result.ExitCode == 0) || DateTime.UtcNow > deadline)
            {
                return result;
            }
            await Task.Delay(200);
        }
    }

    private static async Task MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
