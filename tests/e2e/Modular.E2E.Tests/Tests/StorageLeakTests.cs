using System.Diagnostics;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// What the storage driver's folder holds, measured from outside: removed containers and images give their space
/// back, `docker system df` tells the truth about it, and a daemon killed during a layer apply leaves nothing behind.
/// Each test has a daemon of its own (the kill test must not take a shared one down, the others count every byte).
/// </summary>
public sealed class StorageLeakTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    /// <summary>Bookkeeping a driver may legitimately leave changed (a folder's entry grown by a few names).</summary>
    private const long BookkeepingTolerance = 64 * KiB;

    private const int LeakImageLayers = 3;

    [Theory]
    [InlineData("overlay2")]
    [InlineData("vfs")]
    public async Task RemovingContainersAndImagesReturnsTheirSpaceAndSystemDfMatchesTheDisk(string driver)
    {
        await using var daemon = new PrivateDaemon { StorageDriver = driver };
        await daemon.InitializeAsync();
        var tag = $"{Names.Unique("leak")}:latest";
        var archive = Path.Combine(daemon.Root, "image.tar");
        var layerBytes = SavedImageArchive.Write(archive, tag, LeakImageLayers, bytesPerLayer: 8 * MiB);
        var baselineDisk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        var baselineDf = await SystemDfAsync(daemon);

        await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "load", "-i", archive));
        var loadedDisk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        var loadedDf = await SystemDfAsync(daemon);
        var reportedLayers = loadedDf.LayersSize - baselineDf.LayersSize;
        Assert.True(reportedLayers >= layerBytes && reportedLayers < layerBytes + 64 * KiB,
            $"system df LayersSize grew by {reportedLayers} for {layerBytes} bytes of layer files");
        // system df counts each layer's own files, as dockerd does. overlay2 stores just those; vfs copies the layer
        // below into every layer, so its k-th of these equal layers takes k layers' worth of disk.
        var expectedLayersOnDisk = driver == "vfs"
            ? reportedLayers / LeakImageLayers * (LeakImageLayers * (LeakImageLayers + 1) / 2)
            : reportedLayers;
        AssertClose("image layers on disk vs system df LayersSize", loadedDisk - baselineDisk, expectedLayersOnDisk);

        // Each container writes 4 MiB into its writable layer and exits; it stays, stopped, until removed.
        const long writtenPerContainer = 4 * MiB;
        var containers = Enumerable.Range(0, 3).Select(index => Names.Unique($"writer{index}")).ToList();
        foreach (var name in containers)
        {
            await MustSucceed(daemon.Docker("run", "--name", name, "--network", "none", "busybox",
                "sh", "-c", $"mkdir -p /payload && head -c {writtenPerContainer} /dev/urandom > /payload/data"));
        }
        var withContainersDisk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        var withContainersDf = await SystemDfAsync(daemon);
        var sizeRw = containers.Select(name => withContainersDf.ContainerSizeRw(name)).ToList();
        foreach (var (name, size) in containers.Zip(sizeRw))
        {
            Assert.True(size >= writtenPerContainer && size < writtenPerContainer + 64 * KiB,
                $"system df SizeRw of {name} is {size} after writing {writtenPerContainer} bytes");
        }
        // vfs gives every container a full copy of its image; overlay2 stores only what the container changed.
        var copiedImagePerContainer = driver == "vfs" ? withContainersDf.ImageSize("busybox:latest") : 0;
        AssertClose("container layers on disk vs system df SizeRw (+ the image copy for vfs)",
            withContainersDisk - loadedDisk, sizeRw.Sum() + containers.Count * copiedImagePerContainer);

        await MustSucceed(daemon.Docker(["rm", .. containers]));
        await MustSucceed(daemon.Docker("rmi", tag));
        var afterDisk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        var afterDf = await SystemDfAsync(daemon);
        Assert.True(Math.Abs(afterDisk - baselineDisk) < BookkeepingTolerance,
            $"{daemon.StorageFolder} holds {afterDisk} bytes after rm and rmi, {baselineDisk} before (peak {withContainersDisk})");
        Assert.Equal(baselineDf.LayersSize, afterDf.LayersSize);
        Assert.Empty(afterDf.ContainerNames.Intersect(containers));
    }

    [Theory]
    [InlineData("overlay2")]
    [InlineData("vfs")]
    public async Task DaemonKilledDuringLayerApplyLeavesNoHalfWrittenLayerAfterRestart(string driver)
    {
        await using var daemon = new PrivateDaemon { StorageDriver = driver };
        await daemon.InitializeAsync();
        var tag = $"{Names.Unique("killed-load")}:latest";
        var archive = Path.Combine(daemon.Root, "large-image.tar");
        SavedImageArchive.Write(archive, tag, layerCount: 4, bytesPerLayer: 50 * MiB);
        var baselineEntries = FolderMeasure.Entries(daemon.StorageFolder);
        var baselineDisk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        var baselineDataRoot = await FolderMeasure.ApparentBytesAsync(daemon.DataRoot);

        // The earlier the kill, the likelier the load is still applying; a load that wins the race is removed and
        // tried again with a kill at the first byte of growth.
        long[] killAfterGrowth = [8 * MiB, 1, 1];
        var interrupted = false;
        var attempts = new List<string>();
        foreach (var growth in killAfterGrowth)
        {
            var outcome = await LoadAndKillAsync(daemon, archive, baselineDisk + growth);
            await daemon.StartAsync();
            var images = await ImageReferencesAsync(daemon);
            attempts.Add($"kill after {growth} bytes of growth: {outcome}; images after restart: {string.Join(", ", images)}");
            if (!images.Contains(tag))
            {
                interrupted = true;
                break;
            }
            await MustSucceed(daemon.Docker("rmi", tag));
        }
        Assert.True(interrupted, "every load finished before the kill:\n" + string.Join('\n', attempts));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', attempts));

        var entries = FolderMeasure.Entries(daemon.StorageFolder);
        Assert.True(entries.SetEquals(baselineEntries),
            "the storage folder differs from before the load:\n  added: " + string.Join(", ", entries.Except(baselineEntries)) +
            "\n  missing: " + string.Join(", ", baselineEntries.Except(entries)) + "\n" + string.Join('\n', attempts));
        var disk = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
        Assert.True(Math.Abs(disk - baselineDisk) < BookkeepingTolerance,
            $"{daemon.StorageFolder} holds {disk} bytes after the restart, {baselineDisk} before the load");
        // The upload spooled for the load must not survive the restart either.
        var dataRoot = await FolderMeasure.ApparentBytesAsync(daemon.DataRoot);
        Assert.True(dataRoot - baselineDataRoot < MiB, $"{daemon.DataRoot} grew from {baselineDataRoot} to {dataRoot} bytes");

        // The image list agrees with the disk: busybox still runs, and the interrupted image loads whole now.
        Assert.Equal(["busybox:latest"], await ImageReferencesAsync(daemon));
        await MustSucceed(daemon.Docker("run", "--rm", "--network", "none", "busybox", "true"));
        await MustSucceed(daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "load", "-i", archive));
        Assert.Contains(tag, await ImageReferencesAsync(daemon));
        var layers = await MustSucceed(daemon.Docker("image", "inspect", "--format", "{{len .RootFS.Layers}}", tag));
        Assert.Equal("4", layers.Stdout.Trim());
    }

    /// <summary>Starts `docker load`, SIGKILLs the daemon once the storage folder reaches <paramref name="killAtBytes"/>.</summary>
    private static async Task<string> LoadAndKillAsync(PrivateDaemon daemon, string archive, long killAtBytes)
    {
        var load = daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "load", "-i", archive);
        var stopwatch = Stopwatch.StartNew();
        long size = 0;
        while (!load.IsCompleted && stopwatch.Elapsed < TimeSpan.FromMinutes(1))
        {
            size = await FolderMeasure.ApparentBytesAsync(daemon.StorageFolder);
            if (size >= killAtBytes)
            {
                break;
            }
            await Task.Delay(20);
        }
        var finishedFirst = load.IsCompleted;
        await daemon.KillAsync();
        var result = await load;
        return finishedFirst
            ? $"load finished first ({result.ExitCode})"
            : $"killed at {size} bytes after {stopwatch.ElapsedMilliseconds} ms, load exited {result.ExitCode}";
    }

    private static async Task<List<string>> ImageReferencesAsync(PrivateDaemon daemon)
    {
        var images = await MustSucceed(daemon.Docker("images", "--format", "{{.Repository}}:{{.Tag}}"));
        return images.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();
    }

    /// <summary>Within 256 KiB plus 1 %: directory entries and driver bookkeeping (links, work dirs) are not file data.</summary>
    private static void AssertClose(string what, long onDisk, long reported)
    {
        var tolerance = 256 * KiB + Math.Max(onDisk, reported) / 100;
        Assert.True(Math.Abs(onDisk - reported) <= tolerance,
            $"{what}: {onDisk} bytes on disk, {reported} reported (tolerance {tolerance})");
    }

    private static async Task<SystemDf> SystemDfAsync(PrivateDaemon daemon)
    {
        using var response = await daemon.Api.GetAsync("system/df");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /system/df answered {(int)response.StatusCode}: {body}");
        return new SystemDf(JsonDocument.Parse(body).RootElement.Clone());
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>The figures of a GET /system/df answer the tests compare with the disk.</summary>
    private sealed class SystemDf(JsonElement root)
    {
        public long LayersSize => root.GetProperty("LayersSize").GetInt64();

        public IEnumerable<string> ContainerNames =>
            root.GetProperty("Containers").EnumerateArray().SelectMany(c => c.GetProperty("Names").EnumerateArray())
                .Select(name => name.GetString()!.TrimStart('/'));

        public long ContainerSizeRw(string name) =>
            root.GetProperty("Containers").EnumerateArray()
                .Single(c => c.GetProperty("Names").EnumerateArray().Any(n => n.GetString()!.TrimStart('/') == name))
                .GetProperty("SizeRw").GetInt64();

        public long ImageSize(string reference) =>
            root.GetProperty("Images").EnumerateArray()
                .Single(i => i.GetProperty("RepoTags").EnumerateArray().Any(t => t.GetString() == reference))
                .GetProperty("Size").GetInt64();
    }
}
