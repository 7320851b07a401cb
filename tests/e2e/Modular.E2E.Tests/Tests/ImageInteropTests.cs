using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Images move between Modular and a real dockerd (Debian's 20.10) through save and load, both ways, and run on the
/// other side with their files, config and ids intact.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageInteropTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly string _folder = TempRoot.Create();
    private readonly List<string> _modularImages = [];
    private ImageInteropDockerd? _dockerd;

    private ImageInteropDockerd Dockerd => _dockerd ?? throw new InvalidOperationException("dockerd is not started");

    public async ValueTask InitializeAsync()
    {
        _dockerd = await ImageInteropDockerd.StartAsync();
        await _dockerd.ImportBusyboxAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var image in _modularImages)
        {
            await daemon.Docker("rmi", "-f", image);
        }
        if (_dockerd is not null)
        {
            await _dockerd.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AnImageSavedByDockerdLoadsInModularAndRuns()
    {
        var tag = Names.Unique("from-dockerd") + ":1";
        _modularImages.Add(tag);
        var builder = Names.Unique("dockerd-builder");
        await MustSucceed(Dockerd.Docker("run", "--name", builder, "--network", "none", "busybox", "sh", "-c",
            "mkdir -p /srv && echo made by dockerd > /srv/origin && ln -s origin /srv/link && rm /bin/vi"));
        await MustSucceed(Dockerd.Docker("commit", "-c", "CMD [\"cat\", \"/srv/link\"]", "-c", "ENV ORIGIN=dockerd", builder, tag));
        var archive = Path.Combine(_folder, "from-dockerd.tar");
        await MustSucceed(Dockerd.Docker("save", "-o", archive, tag));
        var dockerdId = (await Dockerd.Docker("image", "inspect", "-f", "{{.Id}}", tag)).Stdout.Trim();

        var load = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "load", "-i", archive);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);
        var env = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "echo $ORIGIN; test -e /bin/vi || echo no-vi");
        var modularId = (await daemon.Docker("image", "inspect", "-f", "{{.Id}}", tag)).Stdout.Trim();

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal($"Loaded image: {tag}\n", load.Stdout);
        Assert.Equal("made by dockerd\n", run.Stdout);
        Assert.Equal("dockerd\nno-vi\n", env.Stdout);
        Assert.Equal(dockerdId, modularId);
    }

    [Fact]
    public async Task AnImageSavedByModularLoadsInDockerdAndRuns()
    {
        var tag = Names.Unique("from-modular") + ":1";
        _modularImages.Add(tag);
        var builder = Names.Unique("modular-builder");
        try
        {
            await MustSucceed(daemon.Docker("run", "--name", builder, "--network", "none", "busybox", "sh", "-c",
                "mkdir -p /srv && echo made by modular > /srv/origin && rm /bin/vi"));
            await MustSucceed(daemon.Docker("commit", "-c", "CMD [\"cat\", \"/srv/origin\"]", builder, tag));
        }
        finally
        {
            await daemon.Docker("rm", "-f", builder);
        }
        var archive = Path.Combine(_folder, "from-modular.tar");
        await MustSucceed(daemon.Docker("save", "-o", archive, tag));
        var modularId = (await daemon.Docker("image", "inspect", "-f", "{{.Id}}", tag)).Stdout.Trim();

        var load = await Dockerd.Docker("load", "-i", archive);
        var run = await Dockerd.Docker("run", "--rm", "--network", "none", tag);
        var removed = await Dockerd.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "test -e /bin/vi || echo no-vi");
        var dockerdId = (await Dockerd.Docker("image", "inspect", "-f", "{{.Id}}", tag)).Stdout.Trim();
        var history = await Dockerd.Docker("history", "-q", tag);

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal($"Loaded image: {tag}\n", load.Stdout);
        Assert.Equal("made by modular\n", run.Stdout);
        Assert.Equal("no-vi\n", removed.Stdout);
        Assert.Equal(modularId, dockerdId);
        Assert.Equal(2, history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static async Task MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
