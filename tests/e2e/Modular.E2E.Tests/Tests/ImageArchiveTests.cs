using System.Formats.Tar;
using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;
using static Modular.E2E.Tests.Tests.ImageTestScratch;

namespace Modular.E2E.Tests.Tests;

/// <summary>commit, export, import, save, load, history and image prune with the docker CLI on the shared daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageArchiveTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly ImageTestScratch _scratch = new(daemon);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _scratch.DisposeAsync();

    [Fact]
    public async Task CommitMakesAnImageOfTheContainersChangesWithChangesMessageAndAuthor()
    {
        var container = await _scratch.Run("commit-src", "sh", "-c", "echo committed > /greeting && rm /bin/vi");
        var tag = _scratch.Image("committed");

        var commit = await daemon.Docker("commit", "-m", "my message", "-a", "Me <me@example.com>",
            "-c", "ENV GREETING=yes", "-c", "CMD [\"cat\", \"/greeting\"]", container, tag);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);
        var env = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "echo $GREETING; test -e /bin/vi || echo gone");
        var inspect = await daemon.Docker("image", "inspect", "-f", "{{.Author}}|{{json .Config.Cmd}}|{{len .RootFS.Layers}}|{{.Parent}}", tag);
        var history = await daemon.Docker("history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}|{{.Comment}}", tag);

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.StartsWith("sha256:", commit.Stdout.Trim());
        Assert.Equal("committed\n", run.Stdout);
        Assert.Equal("yes\ngone\n", env.Stdout);
        var busyboxId = (await daemon.Docker("image", "inspect", "-f", "{{.Id}}", "busybox")).Stdout.Trim();
        Assert.Equal($"Me <me@example.com>|[\"cat\",\"/greeting\"]|2|{busyboxId}\n", inspect.Stdout);
        var rows = history.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal($"{commit.Stdout.Trim()}|sh -c echo committed > /greeting && rm /bin/vi|my message", rows[0]);
        Assert.StartsWith(busyboxId + "|", rows[1]);
    }

    [Fact]
    public async Task CommittingARunningContainerPausesItAndAnEmptyDiffStillMakesAnImage()
    {
        var container = await _scratch.Run("commit-running", "-d", "sleep", "300");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var tag = _scratch.Image("running");
        var commit = await daemon.Docker("commit", container, tag);
        var events = await daemon.Docker("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", "container=" + container, "--filter", "event=pause", "--filter", "event=unpause", "--filter", "event=commit",
            "--format", "{{.Action}}");
        var state = await daemon.Docker("inspect", "-f", "{{.State.Status}}", container);
        var history = await daemon.Docker("history", "--format", "{{.Size}}", tag);

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Equal("pause\nunpause\ncommit\n", events.Stdout);
        Assert.Equal("running\n", state.Stdout);
        Assert.Equal("0B", history.Stdout.Split('\n')[0]);
    }

    [Fact]
    public async Task CommitOfAMissingContainerIs404()
    {
        var response = await daemon.Api.PostAsync("/commit?container=no-such-container-here&repo=x", null, TestContext.Current.CancellationToken);
        var cli = await daemon.Docker("commit", "no-such-container-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No such container: no-such-container-here", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("No such container: no-such-container-here", cli.Stderr);
    }

    [Fact]
    public async Task ExportedFilesystemImportsBackWithChangesAndAMessage()
    {
        var container = await _scratch.Run("export-src", "sh", "-c", "mkdir -p /data && echo exported > /data/file");
        var archive = Path.Combine(_scratch.Folder, "export.tar");
        var tag = _scratch.Image("imported");

        var export = await daemon.Docker("export", "-o", archive, container);
        var names = TarNames(archive);
        var import = await daemon.Docker("import", "-m", "from export", "-c", "WORKDIR /data", "-c", "CMD [\"cat\", \"file\"]", archive, tag);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);
        var history = await daemon.Docker("history", "--format", "{{.Comment}}", tag);
        var stdin = await CommandRunner.RunAsync("sh", ["-c", $"{RepoLayout.DockerCli} import - {_scratch.Image("stdin")} < {archive}"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = daemon.Host });

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("data/file", names);
        Assert.Contains("bin/busybox", names);
        Assert.DoesNotContain(names, name => name.StartsWith('/') || name.StartsWith("./", StringComparison.Ordinal));
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal("exported\n", run.Stdout);
        Assert.Equal("from export\n", history.Stdout);
        Assert.True(stdin.ExitCode == 0, stdin.ToString());
    }

    [Fact]
    public async Task SavedImagesLoadBackAndTheArchiveHoldsBothLayouts()
    {
        var tag = _scratch.Image("saved");
        await MustSucceed(daemon.Docker("tag", "busybox", tag));
        var archive = Path.Combine(_scratch.Folder, "saved.tar");

        var save = await daemon.Docker("save", "-o", archive, tag);
        var names = TarNames(archive);
        var removed = await daemon.Docker("rmi", tag);
        var load = await daemon.Docker("load", "-i", archive);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag, "echo", "loaded");
        var byName = await daemon.Api.GetAsync($"/images/{tag}/get", TestContext.Current.CancellationToken);

        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.Contains("oci-layout", names);
        Assert.Contains("index.json", names);
        Assert.Contains("manifest.json", names);
        Assert.Contains("repositories", names);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal($"Loaded image: {tag}\n", load.Stdout);
        Assert.Equal("loaded\n", run.Stdout);
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Equal((await File.ReadAllBytesAsync(archive, TestContext.Current.CancellationToken)).Length,
            (await byName.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);
    }

    [Fact]
    public async Task SavingAMissingImageFailsWithoutWritingTheFile()
    {
        var archive = Path.Combine(_scratch.Folder, "missing.tar");

        var save = await daemon.Docker("save", "-o", archive, "no-such-image:here");

        Assert.Equal(1, save.ExitCode);
        Assert.Contains("No such image: no-such-image:here", save.Stderr);
        Assert.False(File.Exists(archive));
    }

    [Fact]
    public async Task ATruncatedArchiveIsRefusedAndLeavesNoImage()
    {
        var tag = _scratch.Image("truncated");
        await MustSucceed(daemon.Docker("tag", "busybox", tag));
        var archive = Path.Combine(_scratch.Folder, "whole.tar");
        await MustSucceed(daemon.Docker("save", "-o", archive, tag));
        await MustSucceed(daemon.Docker("rmi", tag));
        var bytes = await File.ReadAllBytesAsync(archive, TestContext.Current.CancellationToken);
        var truncated = Path.Combine(_scratch.Folder, "truncated.tar");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);
        var before = await daemon.Docker("images", "-q", "--no-trunc");

        var load = await daemon.Docker("load", "-i", truncated);
        var after = await daemon.Docker("images", "-q", "--no-trunc");

        Assert.NotEqual(0, load.ExitCode);
        Assert.NotEmpty(load.Stderr.Trim());
        Assert.Equal(before.Stdout, after.Stdout);
        Assert.Equal(1, (await daemon.Docker("image", "inspect", tag)).ExitCode);
    }

    [Theory]
    [InlineData("dot-dot")]
    [InlineData("absolute-path")]
    [InlineData("symlink-climbing-out")]
    [InlineData("hardlink-climbing-out")]
    public async Task LayerEntriesThatClimbOutOfTheLayerAreRefusedAndNothingIsWrittenOutside(string kind)
    {
        var outside = Path.Combine(_scratch.Folder, "outside-" + kind);
        var climb = string.Concat(Enumerable.Repeat("../", 12));
        var layer = kind switch
        {
            "dot-dot" => Tar((climb + outside.TrimStart('/'), "owned", null)),
            "absolute-path" => Tar((outside, "owned", null)),
            "symlink-climbing-out" => Tar(("escape", null, climb + _scratch.Folder.TrimStart('/')), ("escape/outside-" + kind, "owned", null)),
            _ => TarWithHardLink("escape", climb + "etc/hostname"),
        };
        var archive = Path.Combine(_scratch.Folder, kind + ".tar");
        await File.WriteAllBytesAsync(archive, SaveArchiveOf(layer), TestContext.Current.CancellationToken);

        var load = await daemon.Docker("load", "-i", archive);

        Assert.NotEqual(0, load.ExitCode);
        Assert.NotEmpty(load.Stderr.Trim());
        Assert.False(File.Exists(outside), $"the {kind} layer wrote {outside}");
        Assert.Equal(1, (await daemon.Docker("image", "inspect", "evil:1")).ExitCode);
    }

    [Fact]
    public async Task AnAbsoluteSymlinkInALayerResolvesInsideTheLayerAsInAChroot()
    {
        var outside = Path.Combine(_scratch.Folder, "contained");
        var layer = Tar(("bin/busybox", "not really", null), ("escape", null, _scratch.Folder), ("escape/contained", "inside", null));
        var archive = Path.Combine(_scratch.Folder, "absolute-link.tar");
        await File.WriteAllBytesAsync(archive, SaveArchiveOf(layer), TestContext.Current.CancellationToken);
        _scratch.RemoveLater("evil:1");

        var load = await daemon.Docker("load", "-i", archive);
        var container = Names.Unique("contained");
        var create = await daemon.Docker("create", "--name", container, "evil:1", "x");
        _scratch.RemoveContainerLater(container);
        var copied = await daemon.Docker("cp", $"{container}:{outside}", Path.Combine(_scratch.Folder, "copied"));

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.False(File.Exists(outside), $"the layer wrote {outside} on the host");
        Assert.True(copied.ExitCode == 0, copied.ToString());
        Assert.Equal("inside", await File.ReadAllTextAsync(Path.Combine(_scratch.Folder, "copied"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ImagePruneRemovesDanglingImagesOnlyUnlessAll()
    {
        var dangling = _scratch.Image("prune-dangling");
        var first = await _scratch.Run("prune-a", "sh", "-c", "echo a > /a");
        await MustSucceed(daemon.Docker("commit", first, dangling));
        var danglingId = (await daemon.Docker("image", "inspect", "-f", "{{.Id}}", dangling)).Stdout.Trim();
        var second = await _scratch.Run("prune-b", "sh", "-c", "echo b > /b");
        await MustSucceed(daemon.Docker("commit", second, dangling));
        var kept = _scratch.Image("prune-kept");
        var third = await _scratch.Run("prune-c", "sh", "-c", "echo c > /c");
        await MustSucceed(daemon.Docker("commit", third, kept));

        var prune = await daemon.Docker("image", "prune", "-f");
        var listed = await daemon.Docker("images", "-q", "--no-trunc");

        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.StartsWith("Deleted Images:\n", prune.Stdout);
        Assert.Contains($"deleted: {danglingId}\n", prune.Stdout);
        Assert.Contains("\nTotal reclaimed space: ", prune.Stdout);
        Assert.DoesNotContain(danglingId, listed.Stdout);
        Assert.Contains((await daemon.Docker("image", "inspect", "-f", "{{.Id}}", kept)).Stdout.Trim(), listed.Stdout);

        var filtered = await daemon.Docker("image", "prune", "-a", "-f", "--filter", "label=nothing-has-this");
        Assert.Equal("Total reclaimed space: 0B\n", filtered.Stdout);
    }

    private static byte[] Tar(params (string Name, string? Content, string? LinkTarget)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, target) in entries)
            {
                writer.WriteEntry(target is not null
                    ? new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target }
                    : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content!)) });
            }
        }
        return buffer.ToArray();
    }

    private static byte[] TarWithHardLink(string name, string target)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });
        }
        return buffer.ToArray();
    }

    /// <summary>A docker save archive of one image of one layer, tagged evil:1.</summary>
    private static byte[] SaveArchiveOf(byte[] layer)
    {
        var diffId = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(layer));
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{diffId}\"]}}}}");
        var manifest = JsonSerializer.Serialize(new[] { new { Config = "config.json", RepoTags = new[] { "evil:1" }, Layers = new[] { "layer.tar" } } });
        return TarOfBytes(("layer.tar", layer), ("config.json", config), ("manifest.json", Encoding.UTF8.GetBytes(manifest)));
    }

    private static byte[] TarOfBytes(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }
        return buffer.ToArray();
    }

    private static List<string> TarNames(string archive)
    {
        var names = new List<string>();
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }
        return names;
    }
}
