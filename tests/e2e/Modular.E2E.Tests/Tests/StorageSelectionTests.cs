using System.Text.RegularExpressions;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// How modulard picks its storage driver, seen from outside: Docker's order when none is configured, a data-root's
/// prior driver kept, a named driver that cannot start refused with its reason, and btrfs on a real (loop-mounted)
/// btrfs filesystem with per-container size quotas. Every test has roots of its own, swept even when it fails.
/// </summary>
public sealed class StorageSelectionTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public async Task WithoutAStorageDriverOnExt4TheDaemonChoosesOverlay2AndLogsWhy()
    {
        await using var daemon = new PrivateDaemon { StorageDriver = null };
        var filesystem = await FilesystemTypeAsync(daemon.Root);
        Assert.True(filesystem == "ext2/ext3", $"this test expects {daemon.Root} on ext4, but it is on {filesystem}");
        await daemon.InitializeAsync();

        var info = await MustSucceed(daemon.Docker("info"));
        AssertInfoLine(info, "Storage Driver", "overlay2");
        AssertInfoLine(info, "Backing Filesystem", "extfs");
        Assert.Matches(@"No storage-driver configured: using ""?overlay2""?, the first in Docker's order that works on",
            daemon.ReadLogSinceLastStart());
        var run = await MustSucceed(daemon.Docker("run", "--rm", "--network", "none", "busybox", "echo", "ok"));
        Assert.Equal("ok\n", run.Stdout);
    }

    [Fact]
    public async Task ADataRootHoldingVfsLayersKeepsVfsWhenRestartedWithoutAStorageDriver()
    {
        await using var daemon = new PrivateDaemon { StorageDriver = "vfs" };
        await daemon.InitializeAsync();
        var container = Names.Unique("prior-vfs");
        await MustSucceed(daemon.Docker("create", "--name", container, "--network", "none", "busybox", "true"));
        await daemon.StopAsync();

        daemon.StorageDriver = null;
        await daemon.StartAsync();

        var info = await MustSucceed(daemon.Docker("info"));
        AssertInfoLine(info, "Storage Driver", "vfs");
        Assert.Matches($@"No storage-driver configured: using ""?vfs""?, which holds the layers already under ""?{Regex.Escape(daemon.DataRoot)}",
            daemon.ReadLogSinceLastStart());
        // The prior state is usable, not merely detected: the image runs and the container is still there.
        var run = await MustSucceed(daemon.Docker("run", "--rm", "--network", "none", "busybox", "echo", "ok"));
        Assert.Equal("ok\n", run.Stdout);
        await MustSucceed(daemon.Docker("start", "-a", container));
        await MustSucceed(daemon.Docker("rm", container));
    }

    [Fact]
    public async Task AnUnknownStorageDriverNameIsRefusedNamingItAndTheInstalledDrivers()
    {
        var refusal = await RefusedStartAsync("--storage-driver", "nosuch");
        Assert.Contains("\"nosuch\"", refusal.Stderr);
        Assert.Matches(@"installed: [^)\n]*\boverlay2\b", refusal.Stderr);
        Assert.Matches(@"installed: [^)\n]*\bvfs\b", refusal.Stderr);
        Assert.Matches(@"installed: [^)\n]*\bbtrfs\b", refusal.Stderr);
    }

    /// <summary>
    /// Named or chosen by default (overlay2 on this ext4 host), the driver gets the option and refuses it; as in dockerd,
    /// a refused option is a configuration error, not a reason to fall back to the next driver in the order.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUnknownOverlay2StorageOptIsRefusedNamingTheKey(bool overlay2Named)
    {
        string[] driver = overlay2Named ? ["--storage-driver", "overlay2"] : [];
        var refusal = await RefusedStartAsync([.. driver, "--storage-opt", "overlay2.bogus=1"]);
        Assert.Contains("overlay2.bogus", refusal.Stderr);
    }

    [Fact]
    public async Task BtrfsOnAnExt4DataRootIsRefusedSayingItIsNotOnBtrfs()
    {
        var refusal = await RefusedStartAsync("--storage-driver", "btrfs");
        Assert.Contains("\"btrfs\" driver cannot start", refusal.Stderr);
        Assert.Contains("on a btrfs filesystem", refusal.Stderr);
    }

    [Fact]
    public async Task ZfsWithoutTheKernelModuleIsRefusedNamingDevZfs()
    {
        Assert.False(File.Exists("/dev/zfs"), "this test expects a host without the zfs kernel module");
        var refusal = await RefusedStartAsync("--storage-driver", "zfs");
        Assert.Contains("\"zfs\" driver cannot start", refusal.Stderr);
        Assert.Contains("/dev/zfs", refusal.Stderr);
    }

    [Fact]
    public async Task BtrfsOnALoopMountedDataRootRunsContainersAndEnforcesTheirSizeQuota()
    {
        var daemon = new PrivateDaemon { StorageDriver = "btrfs" };
        LoopBtrfsMount? btrfs = null;
        try
        {
            btrfs = await LoopBtrfsMount.CreateAsync(Path.Combine(daemon.Root, "btrfs.img"), daemon.DataRoot, 2 * GiB);
            await daemon.InitializeAsync();

            // A data-root that is a filesystem of its own belongs to the host: the daemon's start must leave it mounted.
            Assert.Contains(MountTable.Below(daemon.DataRoot), mount => mount.MountPoint == daemon.DataRoot && mount.FileSystemType == "btrfs");
            var info = await MustSucceed(daemon.Docker("info"));
            AssertInfoLine(info, "Storage Driver", "btrfs");
            var echo = await MustSucceed(daemon.Docker("run", "--rm", "busybox", "echo", "ok"));
            Assert.Equal("ok\n", echo.Stdout);

            const string write100MiB = "dd if=/dev/zero of=/big bs=1M count=100 && sync";
            var limited = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2),
                "run", "--rm", "--network", "none", "--storage-opt", "size=64M", "busybox", "sh", "-c", write100MiB);
            Assert.True(limited.ExitCode != 0, "100 MiB fit in a container limited to 64M:\n" + limited);
            Assert.Contains("quota", limited.Stderr, StringComparison.OrdinalIgnoreCase);
            var unlimited = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2),
                "run", "--rm", "--network", "none", "busybox", "sh", "-c", write100MiB);
            Assert.True(unlimited.ExitCode == 0, unlimited.ToString());
        }
        finally
        {
            // The daemon goes first (its sweep unmounts everything below its root), then the loop device.
            try
            {
                await daemon.DisposeAsync();
            }
            finally
            {
                if (btrfs is not null)
                {
                    await btrfs.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Starts modulard on roots of its own with <paramref name="arguments"/>; it must exit non-zero by itself.</summary>
    private static async Task<CommandResult> RefusedStartAsync(params string[] arguments)
    {
        var root = TempRoot.Create();
        try
        {
            var start = await DaemonStartAttempt.RunAsync(root, arguments);
            Assert.False(start.TimedOut, "modulard kept running\n" + start);
            Assert.True(start.ExitCode != 0, start.ToString());
            return start;
        }
        finally
        {
            var problems = await RootSweeper.SweepAsync(root, [DaemonStartAttempt.RuncStateRoot(root)]);
            Assert.Empty(problems);
        }
    }

    /// <summary>`docker info` prints "&lt;name&gt;: &lt;value&gt;" on a line of its own, indented.</summary>
    private static void AssertInfoLine(CommandResult info, string name, string value) =>
        Assert.True(Regex.IsMatch(info.Stdout, $@"^\s*{Regex.Escape(name)}: {Regex.Escape(value)}\s*$", RegexOptions.Multiline),
            $"docker info has no \"{name}: {value}\" line:\n{info}");

    private static async Task<string> FilesystemTypeAsync(string path)
    {
        var stat = await MustSucceed(CommandRunner.RunAsync("stat", ["-f", "-c", "%T", path]));
        return stat.Stdout.Trim();
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
