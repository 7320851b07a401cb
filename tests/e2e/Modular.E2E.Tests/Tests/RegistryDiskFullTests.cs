using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A pull that runs out of disk: a private daemon whose data-root is a 24 MiB tmpfs (mounted and unmounted by the
/// test) pulls an image of 40 MiB of random data. The pull fails with Docker's "no space left on device", the image
/// list and the storage driver's folder are as before, and the space the pull took is given back.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RegistryDiskFullTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task APullThatFillsTheDiskFailsClearlyAndGivesTheSpaceBack()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var image = $"{registry.Host}/e2e/too-big:v1";
        await PushRandomImageAsync(image, 40 << 20);

        var small = new PrivateDaemon { StorageDriver = "overlay2" };
        Directory.CreateDirectory(small.DataRoot);
        var mount = await CommandRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", small.DataRoot]);
        try
        {
            Assert.True(mount.ExitCode == 0, mount.ToString());
            await small.InitializeAsync();
            var imagesBefore = await small.Docker("images", "-a", "--no-trunc", "-q");
            var storageBefore = FolderMeasure.Entries(small.StorageFolder);
            var usedBefore = await UsedBytesAsync(small.DataRoot);

            var pull = await small.DockerWithTimeout(TimeSpan.FromMinutes(2), "pull", image);
            var imagesAfter = await small.Docker("images", "-a", "--no-trunc", "-q");
            var storageAfter = FolderMeasure.Entries(small.StorageFolder);
            var usedAfter = await UsedBytesAsync(small.DataRoot);
            var leftovers = Directory.EnumerateFiles(small.DataRoot, "pull-*", SearchOption.AllDirectories).ToArray();
            var run = await small.Docker("run", "--rm", "busybox", "true");

            Assert.NotEqual(0, pull.ExitCode);
            Assert.Contains("no space left on device", pull.Stderr);
            Assert.DoesNotContain("attempts", pull.Stderr);
            Assert.Equal(imagesBefore.Stdout, imagesAfter.Stdout);
            Assert.Equal(storageBefore.Order(), storageAfter.Order());
            Assert.Empty(leftovers);
            Assert.True(usedAfter <= usedBefore + (1 << 20), $"{usedBefore} bytes used before the pull, {usedAfter} after");
            Assert.True(run.ExitCode == 0, run + small.ReadLog());
        }
        finally
        {
            await small.StopAsync();
            if (mount.ExitCode == 0)
            {
                var unmount = await CommandRunner.RunAsync("umount", [small.DataRoot]);
                if (unmount.ExitCode != 0)
                {
                    await CommandRunner.RunAsync("umount", ["-l", small.DataRoot]);
                }
            }
            await small.DisposeAsync();
            await daemon.Docker("rmi", image);
        }
    }

    private async Task PushRandomImageAsync(string image, int bytes)
    {
        var folder = Path.Combine(daemon.Root, "random-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "rootfs"));
            await File.WriteAllBytesAsync(Path.Combine(folder, "rootfs", "random"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes),
                TestContext.Current.CancellationToken);
            var tar = Path.Combine(folder, "random.tar");
            var pack = await CommandRunner.RunAsync("tar", ["-C", Path.Combine(folder, "rootfs"), "-cf", tar, "random"]);
            Assert.True(pack.ExitCode == 0, pack.ToString());
            var import = await daemon.Docker("import", tar, image);
            Assert.True(import.ExitCode == 0, import.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var push = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
    }

    private static async Task<long> UsedBytesAsync(string mountPoint)
    {
        var df = await CommandRunner.RunAsync("df", ["--output=used", "-B1", mountPoint]);
        Assert.True(df.ExitCode == 0, df.ToString());
        return long.Parse(df.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
    }
}
