using Modular.Sdk;
using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// btrfs options through the real plugin loader: per-container <c>size</c> limits enforced by qgroups on a real
/// btrfs filesystem, the daemon's <c>btrfs.min_space</c>, option validation, and refusing a root that is not btrfs.
/// </summary>
public sealed class BtrfsQuotaTests(BtrfsLoopFilesystem filesystem) : IClassFixture<BtrfsLoopFilesystem>, IDisposable
{
    private const int Megabyte = 1 << 20;

    private readonly string _execRoot = Directory.CreateTempSubdirectory("modular-btrfs-exec-").FullName;
    private readonly List<IStorageDriver> _drivers = new();

    [Fact]
    public void SizeLimitedLayerCannotHoldMoreThanItsSize()
    {
        var driver = NewDriver();
        var image = NewImageLayer(driver);
        var container = NewId();
        driver.CreateReadWrite(container, image, new Dictionary<string, string> { ["size"] = "64M" });

        var failure = WithMounted(driver, container, root =>
        {
            WriteFile(Path.Join(root, "small"), 8); // within the limit writes work
            return Assert.Throws<IOException>(() => WriteFile(Path.Join(root, "big"), 100));
        });
        Assert.True(failure.Message.Contains("Disk quota exceeded") || failure.Message.Contains("No space left"),
            $"expected a quota failure, got: {failure.Message}");
    }

    [Fact]
    public void LayerWithoutSizeHoldsWhatALimitedOneCannot()
    {
        var driver = NewDriver();
        var image = NewImageLayer(driver);
        var container = NewId();
        driver.CreateReadWrite(container, image, new Dictionary<string, string>());

        WithMounted(driver, container, root =>
        {
            WriteFile(Path.Join(root, "big"), 100);
            Assert.Equal(100L * Megabyte, new FileInfo(Path.Join(root, "big")).Length);
        });
    }

    /// <summary>As in Docker, the container layer made on a limited init layer (no options of its own) keeps the limit.</summary>
    [Fact]
    public void LayerOnALimitedParentInheritsItsSize()
    {
        var driver = NewDriver();
        var image = NewImageLayer(driver);
        var init = NewId() + "-init";
        driver.CreateReadWrite(init, image, new Dictionary<string, string> { ["size"] = "64M" });
        var container = NewId();
        driver.CreateReadWrite(container, init);

        WithMounted(driver, container, root => Assert.Throws<IOException>(() => WriteFile(Path.Join(root, "big"), 100)));
    }

    /// <summary>Removing a limited layer leaves no stale qgroup once btrfs has dropped the subvolume.</summary>
    [Fact]
    public void RemovingALimitedLayerLeavesNoQgroupBehind()
    {
        var driver = NewDriver();
        var container = NewId();
        driver.CreateReadWrite(container, null, new Dictionary<string, string> { ["size"] = "64M" });
        var subvolumeId = WithMounted(driver, container, root =>
            BtrfsLoopFilesystem.Run("btrfs", "subvolume", "show", root).Split('\n')
                .Select(line => line.Trim())
                .Single(line => line.StartsWith("Subvolume ID:", StringComparison.Ordinal))["Subvolume ID:".Length..].Trim());
        Assert.Contains($"0/{subvolumeId} ", BtrfsLoopFilesystem.Run("btrfs", "qgroup", "show", filesystem.MountPoint));

        driver.Remove(container);
        // A commit wakes the cleaner thread, which would otherwise drop the subvolume up to 30 s later.
        BtrfsLoopFilesystem.Run("btrfs", "filesystem", "sync", filesystem.MountPoint);
        BtrfsLoopFilesystem.Run("btrfs", "subvolume", "sync", filesystem.MountPoint, subvolumeId);

        Assert.DoesNotContain($"0/{subvolumeId} ", BtrfsLoopFilesystem.Run("btrfs", "qgroup", "show", filesystem.MountPoint));
    }

    [Fact]
    public void MinSpaceRefusesSmallerSizesAndAllowsLargerOnes()
    {
        var driver = NewDriver(new Dictionary<string, string> { ["btrfs.min_space"] = "128M" });
        var image = NewImageLayer(driver);
        var refused = NewId();

        var failure = AssertFails(DriverErrorKind.InvalidArgument,
            () => driver.CreateReadWrite(refused, image, new Dictionary<string, string> { ["size"] = "64M" }));
        Assert.Contains("128MiB", failure.Message);
        Assert.Contains("btrfs.min_space", failure.Message);
        Assert.False(driver.Exists(refused));

        var accepted = NewId();
        driver.CreateReadWrite(accepted, image, new Dictionary<string, string> { ["size"] = "256M" });
        Assert.True(driver.Exists(accepted));
    }

    [Theory]
    [InlineData("size", "ten gigabytes", "ten gigabytes")]
    [InlineData("size", "0", "more than 0")]
    [InlineData("inodes", "1000", "inodes")]
    public void BadContainerOptionsAreRefusedByName(string key, string value, string named)
    {
        var driver = NewDriver();
        var id = NewId();
        var failure = AssertFails(DriverErrorKind.InvalidArgument,
            () => driver.CreateReadWrite(id, null, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(named, failure.Message);
        Assert.False(driver.Exists(id));
    }

    [Theory]
    [InlineData("btrfs.mystery", "1", "btrfs.mystery")]
    [InlineData("btrfs.min_space", "lots", "lots")]
    public void BadDriverOptionsStopTheDriverFromStarting(string key, string value, string named)
    {
        var failure = AssertFails(DriverErrorKind.InvalidArgument, () => NewDriver(new Dictionary<string, string> { [key] = value }));
        Assert.Contains(named, failure.Message);
    }

    [Fact]
    public void RefusesToStartOnARootThatIsNotBtrfs()
    {
        var root = Directory.CreateTempSubdirectory("modular-not-btrfs-").FullName;
        try
        {
            var failure = AssertFails(DriverErrorKind.NotSupported,
                () => PluginHarness.StorageDriver("Modular.Storage.Btrfs", "btrfs", root, _execRoot));
            Assert.Contains("btrfs filesystem", failure.Message);
            Assert.Contains(root, failure.Message);
        }
        finally
        {
            FileTree.RemoveAll(root);
        }
    }

    public void Dispose()
    {
        foreach (var driver in _drivers)
        {
            driver.Dispose();
        }
        FileTree.RemoveAll(_execRoot);
    }

    private IStorageDriver NewDriver(IReadOnlyDictionary<string, string>? options = null)
    {
        var catalog = PluginHarness.Catalog("Modular.Storage.Btrfs", filesystem.NewRoot(), _execRoot);
        if (options is not null)
        {
            catalog.DriverOptions["btrfs"] = options;
        }
        var driver = catalog.Storage("btrfs");
        _drivers.Add(driver);
        return driver;
    }

    private static string NewImageLayer(IStorageDriver driver)
    {
        var id = NewId();
        driver.Create(id, null);
        using var tar = new LayerTarBuilder().Directory("etc").File("etc/hostname", "image").Build();
        driver.ApplyDiff(id, null, tar);
        return id;
    }

    private static T WithMounted<T>(IStorageDriver driver, string id, Func<string, T> action)
    {
        var root = driver.Get(id);
        try
        {
            return action(root);
        }
        finally
        {
            driver.Put(id);
        }
    }

    private static void WithMounted(IStorageDriver driver, string id, Action<string> action) =>
        WithMounted(driver, id, root =>
        {
            action(root);
            return 0;
        });

    // fsync makes btrfs account the data now, whatever is still only reserved in the page cache.
    private static void WriteFile(string path, int megabytes)
    {
        var chunk = new byte[Megabyte];
        Random.Shared.NextBytes(chunk);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (var i = 0; i < megabytes; i++)
        {
            file.Write(chunk);
        }
        file.Flush(flushToDisk: true);
    }

    private static DriverException AssertFails(DriverErrorKind kind, Action action)
    {
        var exception = Assert.ThrowsAny<DriverException>(action);
        Assert.True(exception.Kind == kind, $"expected {kind}, got {exception.Kind}: {exception.Message}");
        return exception;
    }

    private static string NewId() => "layer" + Guid.NewGuid().ToString("N");
}
