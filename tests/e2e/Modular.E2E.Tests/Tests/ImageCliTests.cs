using System.Formats.Tar;
using Modular.E2E.Tests.Harness;
using Xunit;
using static Modular.E2E.Tests.Tests.ImageTestScratch;

namespace Modular.E2E.Tests.Tests;

/// <summary>The modular CLI's commit, history, save, export and image prune print what the docker CLI prints on the same daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageCliTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly ImageTestScratch _scratch = new(daemon);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _scratch.DisposeAsync();

    [Fact]
    public async Task CommitAndHistoryMatchDocker()
    {
        var container = await _scratch.Run("cli-commit", "sh", "-c", "echo x > /x");
        var tag = _scratch.Image("cli-committed");

        var commit = await daemon.Modular("commit", "-m", "cli message", "-a", "someone", "-c", "ENV FROM_CLI=1", container, tag);
        var env = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "echo $FROM_CLI; cat /x");

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Equal((await daemon.Docker("image", "inspect", "-f", "{{.Id}}", tag)).Stdout, commit.Stdout);
        Assert.Equal("1\nx\n", env.Stdout);
        foreach (var flags in new[] { Array.Empty<string>(), ["--no-trunc"], ["-H=false"], ["-q"], ["--format", "{{.ID}}: {{.CreatedBy}} {{.Comment}}"] })
        {
            var modular = await daemon.Modular(["history", .. flags, tag]);
            var docker = await daemon.Docker(["history", .. flags, tag]);
            Assert.True(modular.ExitCode == 0, modular.ToString());
            Assert.Equal(docker.Stdout, modular.Stdout);
        }
    }

    [Fact]
    public async Task SaveAndExportWriteTheSameArchivesAsDocker()
    {
        var container = await _scratch.Run("cli-export", "sh", "-c", "echo exported > /e");
        var tag = _scratch.Image("cli-saved");
        await MustSucceed(daemon.Docker("tag", "busybox", tag));

        var modularSave = await daemon.Modular("save", "-o", Path.Combine(_scratch.Folder, "m.tar"), tag);
        var dockerSave = await daemon.Docker("save", "-o", Path.Combine(_scratch.Folder, "d.tar"), tag);
        var modularExport = await daemon.Modular("export", "-o", Path.Combine(_scratch.Folder, "me.tar"), container);
        var dockerExport = await daemon.Docker("export", "-o", Path.Combine(_scratch.Folder, "de.tar"), container);

        Assert.True(modularSave.ExitCode == 0, modularSave.ToString());
        Assert.True(dockerSave.ExitCode == 0, dockerSave.ToString());
        Assert.Equal(Entries("d.tar").Where(e => e.Name != "index.json" && !e.Name.StartsWith("blobs/")), Entries("m.tar").Where(e => e.Name != "index.json" && !e.Name.StartsWith("blobs/")));
        Assert.True(modularExport.ExitCode == 0, modularExport.ToString());
        Assert.True(dockerExport.ExitCode == 0, dockerExport.ToString());
        Assert.Equal(Entries("de.tar").Select(e => e.Name), Entries("me.tar").Select(e => e.Name));
        Assert.Contains(Entries("me.tar"), e => e.Name == "e");
    }

    [Fact]
    public async Task ImagePrunePrintsDockersReport()
    {
        var first = await _scratch.Run("cli-prune-a", "true");
        var second = await _scratch.Run("cli-prune-b", "sh", "-c", "echo b > /b");
        var tag = _scratch.Image("cli-prune");
        var firstId = (await daemon.Modular("commit", first, tag)).Stdout.Trim();
        await MustSucceed(daemon.Modular("commit", second, tag));

        var prune = await daemon.Modular("image", "prune", "-f");
        var again = await daemon.Modular("image", "prune", "-f");

        Assert.True(prune.ExitCode == 0, prune.ToString());
        // The daemon is shared with other tests, whose dangling images may be pruned too.
        Assert.Matches(@"^Deleted Images:\n(deleted: sha256:[0-9a-f]{64}\n)+\nTotal reclaimed space: \d+(\.\d+)?[kMG]?B\n$", prune.Stdout);
        Assert.Contains($"deleted: {firstId}\n", prune.Stdout);
        Assert.Equal("Total reclaimed space: 0B\n", again.Stdout);
    }

    private List<(string Name, long Size)> Entries(string file)
    {
        var entries = new List<(string, long)>();
        using var reader = new TarReader(File.OpenRead(Path.Combine(_scratch.Folder, file)));
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add((entry.Name, entry.Length));
        }
        return entries;
    }
}
