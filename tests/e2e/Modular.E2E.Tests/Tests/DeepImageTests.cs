using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// An image far deeper than dockerd 20.10 accepts (it refuses more than 125 layers): loaded with the docker CLI into
/// overlay2, every layer must be visible in one container, the topmost write must win, and rmi must give the storage
/// folder back as it was.
/// </summary>
public sealed class DeepImageTests
{
    private const int LayerCount = 200;
    private const long BookkeepingTolerance = 64 * 1024;
    private const string Busybox = "/bin/busybox";
    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact]
    public async Task TwoHundredLayerImageRunsWithItsBottomFileAndTopWriteVisibleAndRmiRestoresTheStorageFolder()
    {
        await using var daemon = new PrivateDaemon { StorageDriver = "overlay2" };
        await daemon.InitializeAsync();
        var tag = $"{Names.Unique("deep")}:latest";
        var archive = Path.Combine(daemon.Root, "deep-image.tar");
        LayeredImageArchive.Write(archive, tag, DeepLayers(), [Busybox, "cat", "/layers/0", "/top"]);
        var baselineEntries = FolderMeasure.Entries(daemon.StorageFolder);
        var baselineBytes = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);

        await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(5), "load", "-i", archive));
        var layers = await MustSucceed(daemon.Docker("image", "inspect", "--format", "{{len .RootFS.Layers}}", tag));
        Assert.Equal(LayerCount.ToString(), layers.Stdout.Trim());

        var run = await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "run", "--rm", "--network", "none", tag));
        Assert.Equal($"bottom layer 0\n{LayerCount - 1}\n", run.Stdout);
        // Not just both ends: every layer's own file is there, in the one overlay mount.
        var listing = await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(2),
            "run", "--rm", "--network", "none", tag, Busybox, "sh", "-c", "ls /layers | wc -l"));
        Assert.Equal(LayerCount.ToString(), listing.Stdout.Trim());

        await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "rmi", tag));
        var entries = FolderMeasure.Entries(daemon.StorageFolder);
        Assert.True(entries.SetEquals(baselineEntries),
            "the storage folder differs from before the load:\n  added: " + string.Join(", ", entries.Except(baselineEntries).Take(20)) +
            "\n  missing: " + string.Join(", ", baselineEntries.Except(entries).Take(20)));
        var bytes = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        Assert.True(Math.Abs(bytes - baselineBytes) < BookkeepingTolerance,
            $"{daemon.StorageFolder} holds {bytes} bytes after rmi, {baselineBytes} before the load");
    }

    /// <summary>Layer n adds /layers/n and overwrites /top with n; the bottom one also brings the static busybox to run.</summary>
    private static List<IReadOnlyList<LayerFile>> DeepLayers()
    {
        var layers = new List<IReadOnlyList<LayerFile>>
        {
            new[]
            {
                new LayerFile(Busybox, File.ReadAllBytes(Busybox), Executable),
                LayerFile.Text("/layers/0", "bottom layer 0\n"),
                LayerFile.Text("/top", "0\n"),
            },
        };
        for (var index = 1; index < LayerCount; index++)
        {
            layers.Add(new[] { LayerFile.Text($"/layers/{index}", $"layer {index}\n"), LayerFile.Text("/top", $"{index}\n") });
        }
        return layers;
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
