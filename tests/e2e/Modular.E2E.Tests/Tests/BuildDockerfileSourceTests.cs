using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Where the Dockerfile comes from: outside the context (<c>-f /elsewhere/Dockerfile</c>), stdin (<c>-f -</c>), or
/// the whole of stdin (<c>docker build - &lt; Dockerfile</c>, or a context tar on stdin). The CLI rewrites the
/// context for the first two; the daemon must accept its unterminated tar.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class BuildDockerfileSourceTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private const string CopyingDockerfile = "FROM busybox\nCOPY a.txt /a.txt\nCMD [\"cat\", \"/a.txt\"]\n";
    private readonly BuildSession _session = new(daemon);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task DockerfileOutsideTheContextIsUsed()
    {
        var context = _session.Context(("a.txt", "from the context\n"));
        var elsewhere = _session.Context(("build/Dockerfile", CopyingDockerfile));
        var tag = _session.Tag("outside");

        var build = await _session.Build("-t", tag, "-f", Path.Combine(elsewhere, "build", "Dockerfile"), context);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Step 2/3 : COPY a.txt /a.txt", build.Stdout);
        Assert.Equal("from the context\n", run.Stdout);
    }

    [Fact]
    public async Task DockerfileFromStdinWithAContextFolder()
    {
        var context = _session.Context(("a.txt", "stdin dockerfile\n"), ("Dockerfile", "FROM busybox\nRUN false\n"));
        var tag = _session.Tag("stdin-f");

        var build = await _session.BuildWithInput(CopyingDockerfile, "-t", tag, "-f", "-", context);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal("stdin dockerfile\n", run.Stdout);
    }

    [Fact]
    public async Task DockerfileAsTheWholeOfStdinBuildsWithoutAContext()
    {
        var tag = _session.Tag("stdin-only");

        var build = await _session.BuildWithInput("FROM busybox\nRUN echo made > /made\nCMD [\"cat\", \"/made\"]\n", "-t", tag, "-");
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal("made\n", run.Stdout);
    }

    [Fact]
    public async Task ContextTarOnStdin()
    {
        var source = _session.Context(("Dockerfile", CopyingDockerfile), ("a.txt", "from the tar\n"));
        var tar = Path.Combine(_session.Folder, "context-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        // GNU tar, as a user would: the CLI only recognises archives with the magic its detection knows.
        var archived = await CommandRunner.RunAsync("tar", ["-cf", tar, "-C", source, "."]);
        Assert.True(archived.ExitCode == 0, archived.ToString());
        var tag = _session.Tag("stdin-tar");

        var build = await _session.BuildFromFile(tar, "-t", tag, "-");
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal("from the tar\n", run.Stdout);
    }

    [Fact]
    public async Task BareDockerfileBodyGoesStraightToTheApi()
    {
        var tag = _session.Tag("bare-body");
        using var content = new StringContent("FROM busybox\nLABEL bare=yes\n");

        using var response = await daemon.Api.PostAsync($"/build?t={tag}", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var label = await daemon.Docker("image", "inspect", "--format", "{{index .Config.Labels \"bare\"}}", tag);

        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("Successfully built", body);
        Assert.Equal("yes\n", label.Stdout);
    }
}
