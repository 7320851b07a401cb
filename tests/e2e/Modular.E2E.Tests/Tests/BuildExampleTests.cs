using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The seed's first example: an nginx image (contrib/mkimage/nginx.sh) with a page copied in, built and served.</summary>
[Collection(DaemonCollection.Name)]
public sealed class BuildExampleTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly BuildSession _session = new(daemon);
    private string? _container;

    public async ValueTask InitializeAsync()
    {
        var import = await CommandRunner.RunAsync("bash", [Path.Combine(RepoLayout.Root, "contrib", "mkimage", "nginx.sh"), "--docker"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = daemon.Host }, timeout: TimeSpan.FromMinutes(5));
        Assert.True(import.ExitCode == 0, import.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await daemon.Docker("rm", "-f", _container);
        }
        await _session.DisposeAsync();
    }

    [Fact]
    public async Task ExampleOneBuildsAndServesTheCopiedPage()
    {
        var context = _session.Context(
            ("Dockerfile", "FROM nginx:alpine\nCOPY index.html /usr/share/nginx/html/\nEXPOSE 80\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n"),
            ("index.html", "<h1>Hello from Docker!</h1>\n"));
        var tag = _session.Tag("my-web-app");
        _container = "build-e2e-web-app-" + Guid.NewGuid().ToString("N")[..6];

        var build = await _session.Build("-t", tag, context);
        var run = await daemon.Docker("run", "-d", "--name", _container, tag);
        var page = await WaitForPageAsync();
        var exposed = await daemon.Docker("image", "inspect", "-f", "{{json .Config.ExposedPorts}} {{json .Config.Cmd}}", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Step 4/4 : CMD [\"nginx\", \"-g\", \"daemon off;\"]", build.Stdout);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("<h1>Hello from Docker!</h1>\n", page);
        Assert.Equal("{\"80/tcp\":{}} [\"nginx\",\"-g\",\"daemon off;\"]\n", exposed.Stdout);
    }

    private async Task<string> WaitForPageAsync()
    {
        var last = "";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var fetch = await daemon.Docker("exec", _container!, "wget", "-qO-", "http://127.0.0.1/");
            if (fetch.ExitCode == 0)
            {
                return fetch.Stdout;
            }
            last = fetch.ToString();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        return last;
    }
}
