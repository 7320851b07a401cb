using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Volumes through the docker CLI and the raw API: data that outlives containers, copy-up, in-use refusal, prune.</summary>
[Collection(DaemonCollection.Name)]
public sealed class VolumeTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task AVolumeWrittenByOneContainerIsReadByTheNext()
    {
        var volume = Names.Unique("data");
        try
        {
            await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{volume}:/data", "busybox", "sh", "-c", "echo hi > /data/x"));
            var read = await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{volume}:/data", "busybox", "cat", "/data/x"));

            Assert.Equal("hi\n", read.Stdout);
            var inspect = await MustSucceed(daemon.Docker("volume", "inspect", "-f", "{{.Driver}} {{.Mountpoint}}", volume));
            Assert.Equal($"local {Path.Combine(daemon.DataRoot, "volumes", volume, "_data")}\n", inspect.Stdout);
            Assert.Equal("hi\n", File.ReadAllText(Path.Combine(daemon.DataRoot, "volumes", volume, "_data", "x")));
        }
        finally
        {
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task ANewVolumeStartsAsACopyOfTheImageContentUnlessNocopy()
    {
        var copied = Names.Unique("copied");
        var empty = Names.Unique("empty");
        try
        {
            var first = await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{copied}:/etc", "busybox", "sh", "-c", "head -1 /etc/passwd; echo mine > /etc/own"));
            Assert.StartsWith("root:x:0:0:", first.Stdout);
            // The volume is no longer empty: its own data stays, nothing is copied over it again.
            var second = await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{copied}:/etc", "busybox", "cat", "/etc/own"));
            Assert.Equal("mine\n", second.Stdout);

            var nocopy = await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{empty}:/etc:nocopy", "busybox", "ls", "-A", "/etc"));
            Assert.Equal("", nocopy.Stdout);
        }
        finally
        {
            await daemon.Docker("volume", "rm", "-f", copied, empty);
        }
    }

    [Fact]
    public async Task AnImageVolumeBecomesAnAnonymousVolumeThatRmVRemoves()
    {
        var source = Names.Unique("volsrc");
        var image = Names.Unique("volimg");
        var container = Names.Unique("anon");
        try
        {
            await MustSucceed(daemon.Docker("run", "--name", source, "busybox", "sh", "-c", "mkdir /data && echo from-image > /data/hello"));
            var export = await CommandRunner.RunAsync("sh", ["-c", $"docker export {source} | docker import --change 'VOLUME /data' --change 'CMD [\"sh\"]' - {image}"],
                new Dictionary<string, string?> { ["DOCKER_HOST"] = daemon.Host }, timeout: TimeSpan.FromMinutes(1));
            Assert.True(export.ExitCode == 0, export.ToString());

            await MustSucceed(daemon.Docker("create", "--name", container, image, "cat", "/data/hello"));
            var name = (await MustSucceed(daemon.Docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", container))).Stdout.Trim();
            Assert.Matches("^[0-9a-f]{64}$", name);
            var logs = await MustSucceed(daemon.Docker("start", "-a", container));
            Assert.Equal("from-image\n", logs.Stdout);
            var labels = await MustSucceed(daemon.Docker("volume", "inspect", "-f", "{{json .Labels}}", name));
            Assert.Contains("com.docker.volume.anonymous", labels.Stdout);

            await MustSucceed(daemon.Docker("rm", "-v", container));
            var gone = await daemon.Docker("volume", "inspect", name);
            Assert.NotEqual(0, gone.ExitCode);
            Assert.Contains("no such volume", gone.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-fv", container, source);
            await daemon.Docker("rmi", image);
        }
    }

    [Fact]
    public async Task AnAnonymousVolumeKeepsItsModeAndGoesWithRm()
    {
        var before = (await MustSucceed(daemon.Docker("volume", "ls", "-q"))).Stdout;

        var readOnly = await daemon.Docker("run", "--rm", "-v", "/cache:ro", "-v", "/scratch", "busybox", "sh", "-c", "touch /scratch/ok && touch /cache/no");

        Assert.NotEqual(0, readOnly.ExitCode);
        Assert.Contains("Read-only file system", readOnly.Stderr);
        // --rm removes the anonymous volumes with the container (the removal follows the exit asynchronously).
        var after = "";
        for (var attempt = 0; attempt < 50 && after != before; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            after = (await MustSucceed(daemon.Docker("volume", "ls", "-q"))).Stdout;
        }
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task RemovingAVolumeInUseIsConflictNamingTheContainer()
    {
        var volume = Names.Unique("busy");
        var container = Names.Unique("holder");
        try
        {
            await MustSucceed(daemon.Docker("create", "--name", container, "-v", $"{volume}:/data", "busybox", "true"));
            var id = (await MustSucceed(daemon.Docker("inspect", "-f", "{{.Id}}", container))).Stdout.Trim();

            var remove = await daemon.Docker("volume", "rm", volume);
            using var response = await daemon.Api.DeleteAsync($"volumes/{volume}", TestContext.Current.CancellationToken);

            Assert.NotEqual(0, remove.ExitCode);
            Assert.Contains($"remove {volume}: volume is in use - [{id}]", remove.Stderr);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            await MustSucceed(daemon.Docker("rm", container));
            await MustSucceed(daemon.Docker("volume", "rm", volume));
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task ListFiltersAndFormatsFollowDocker()
    {
        var labelled = Names.Unique("lab");
        var plain = Names.Unique("plain");
        var container = Names.Unique("user");
        try
        {
            await MustSucceed(daemon.Docker("volume", "create", "--label", "tier=db", labelled));
            await MustSucceed(daemon.Docker("volume", "create", plain));
            await MustSucceed(daemon.Docker("create", "--name", container, "-v", $"{plain}:/p", "busybox", "true"));

            var byLabel = await MustSucceed(daemon.Docker("volume", "ls", "-q", "--filter", "label=tier=db"));
            var dangling = await MustSucceed(daemon.Docker("volume", "ls", "-q", "--filter", "dangling=true", "--filter", $"name={labelled[..8]}"));
            var used = await MustSucceed(daemon.Docker("volume", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", "dangling=false", "--filter", $"name={plain}"));
            var badFilter = await daemon.Docker("volume", "ls", "--filter", "colour=red");

            Assert.Equal($"{labelled}\n", byLabel.Stdout);
            Assert.Contains(labelled, dangling.Stdout);
            Assert.DoesNotContain(plain, dangling.Stdout);
            Assert.Equal($"{plain} local\n", used.Stdout);
            Assert.NotEqual(0, badFilter.ExitCode);
            Assert.Contains("invalid filter 'colour'", badFilter.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("volume", "rm", "-f", labelled, plain);
        }
    }

    [Fact]
    public async Task PruneRemovesUnusedAnonymousVolumesAndNamedOnesOnlyWithAll()
    {
        var named = Names.Unique("keep");
        var used = Names.Unique("used");
        var container = Names.Unique("pruneuser");
        try
        {
            await MustSucceed(daemon.Docker("volume", "create", named));
            var anonymous = (await MustSucceed(daemon.Docker("volume", "create"))).Stdout.Trim();
            await MustSucceed(daemon.Docker("create", "--name", container, "-v", $"{used}:/u", "busybox", "true"));

            var prune = await MustSucceed(daemon.Docker("volume", "prune", "-f"));
            Assert.Contains(anonymous, prune.Stdout);
            Assert.DoesNotContain(named, prune.Stdout);
            await MustSucceed(daemon.Docker("volume", "inspect", named));

            var pruneAll = await MustSucceed(daemon.Docker("volume", "prune", "-af"));
            Assert.Contains(named, pruneAll.Stdout);
            Assert.DoesNotContain(used, pruneAll.Stdout);
            await MustSucceed(daemon.Docker("volume", "inspect", used));
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("volume", "rm", "-f", named, used);
        }
    }

    [Fact]
    public async Task AVolumeNameWithASlashIsBadRequestNamingTheRule()
    {
        using var content = new StringContent("{\"Name\": \"a/b\"}", Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync("volumes/create", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var run = await daemon.Docker("run", "--rm", "-v", "a/b:/x", "busybox", "true");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("includes invalid characters for a local volume name", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
        Assert.Equal(125, run.ExitCode);
        Assert.Contains("\"a/b\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", run.Stderr);
    }

    [Fact]
    public async Task ATmpfsVolumeIsMountedWhileUsedAndUnknownOptionsAreRefused()
    {
        var volume = Names.Unique("tmpvol");
        var container = Names.Unique("tmpuser");
        var data = Path.Combine(daemon.DataRoot, "volumes", volume, "_data");
        try
        {
            await MustSucceed(daemon.Docker("volume", "create", "-d", "local", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=4m", volume));
            await MustSucceed(daemon.Docker("run", "-d", "--name", container, "-v", $"{volume}:/t", "busybox", "sleep", "300"));
            var df = await MustSucceed(daemon.Docker("exec", container, "df", "-k", "/t"));
            Assert.Contains(" 4096 ", df.Stdout);
            Assert.Contains(MountTable.Below(daemon.DataRoot), m => m.MountPoint == data && m.FileSystemType == "tmpfs");

            await MustSucceed(daemon.Docker("rm", "-f", container));
            Assert.DoesNotContain(MountTable.Below(daemon.DataRoot), m => m.MountPoint == data);

            var bad = await daemon.Docker("volume", "create", "-o", "colour=red", Names.Unique("bad"));
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("invalid option: \"colour\"", bad.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
