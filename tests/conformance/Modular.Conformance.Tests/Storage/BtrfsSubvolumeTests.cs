using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>What is particular to btrfs, on a real btrfs filesystem through the real plugin loader: layers are
/// subvolumes, children are snapshots, and removal copes with subvolumes a container made inside its layer.</summary>
public sealed class BtrfsSubvolumeTests(BtrfsLoopFilesystem filesystem) : IClassFixture<BtrfsLoopFilesystem>, IDisposable
{
    private const ulong SubvolumeRootInode = 256;

    private readonly string _execRoot = Directory.CreateTempSubdirectory("modular-btrfs-exec-").FullName;
    private readonly List<IStorageDriver> _drivers = new();

    [Fact]
    public void EveryLayerIsItsOwnSubvolumeAndAChildStartsWithItsParentsContent()
    {
        var driver = NewDriver(out _);
        var parent = NewId();
        driver.Create(parent, null);
        using (var tar = new LayerTarBuilder().File("from-parent", "content").Build())
        {
            driver.ApplyDiff(parent, null, tar);
        }
        var child = NewId();
        driver.CreateReadWrite(child, parent);

        var parentRoot = driver.Get(parent);
        var childRoot = driver.Get(child);
        try
        {
            Assert.Equal(SubvolumeRootInode, LinuxSyscalls.LStat(parentRoot).Inode);
            Assert.Equal(SubvolumeRootInode, LinuxSyscalls.LStat(childRoot).Inode);
            Assert.NotEqual(LinuxSyscalls.LStat(parentRoot).Device, LinuxSyscalls.LStat(childRoot).Device);
            Assert.Equal("content", File.ReadAllText(Path.Join(childRoot, "from-parent")));
            Assert.False(MountTable.IsMountPoint(childRoot), "btrfs layers need no mount");
        }
        finally
        {
            driver.Put(child);
            driver.Put(parent);
        }
    }

    /// <summary>docker-in-docker on btrfs makes subvolumes inside the container's layer; they must not block its removal.</summary>
    [Fact]
    public void RemovingALayerDeletesSubvolumesNestedInIt()
    {
        var driver = NewDriver(out var root);
        var id = NewId();
        driver.CreateReadWrite(id, null);
        var layerRoot = driver.Get(id);
        try
        {
            Directory.CreateDirectory(Path.Join(layerRoot, "var/lib/docker"));
            BtrfsLoopFilesystem.Run("btrfs", "subvolume", "create", Path.Join(layerRoot, "var/lib/docker/inner"));
            BtrfsLoopFilesystem.Run("btrfs", "subvolume", "create", Path.Join(layerRoot, "var/lib/docker/inner/deeper"));
            File.WriteAllText(Path.Join(layerRoot, "var/lib/docker/inner/deeper/file"), "x");
        }
        finally
        {
            driver.Put(id);
        }

        driver.Remove(id);

        Assert.False(driver.Exists(id));
        var subvolumes = BtrfsLoopFilesystem.Run("btrfs", "subvolume", "list", "-o", filesystem.MountPoint);
        Assert.DoesNotContain(Path.GetFileName(root), subvolumes);
    }

    /// <summary>A crash can leave a half-made or half-removed subvolume; the next start deletes it and keeps real layers.</summary>
    [Fact]
    public void StartingAgainDeletesWhatAnEarlierRunLeftHalfDone()
    {
        var first = NewDriver(out var root);
        var kept = NewId();
        first.Create(kept, null);
        var subvolumes = Directory.GetDirectories(root, "subvolumes", SearchOption.AllDirectories).Single();
        BtrfsLoopFilesystem.Run("btrfs", "subvolume", "create", Path.Join(subvolumes, ".creating-" + NewId()));
        BtrfsLoopFilesystem.Run("btrfs", "subvolume", "create", Path.Join(subvolumes, ".removing-" + NewId()));

        var second = NewDriver(root);

        Assert.Equal([kept], Directory.GetDirectories(subvolumes).Select(Path.GetFileName));
        Assert.True(second.Exists(kept));
    }

    [Fact]
    public void StatusNamesHowSubvolumesAreMade()
    {
        var driver = NewDriver(out _);
        Assert.Equal("btrfs", driver.Name);
        Assert.Contains(driver.Status, line => line.Key == "Build Version" && line.Value == "ioctl");
        Assert.True(driver.Capabilities.CopyOnWrite);
        Assert.True(driver.Capabilities.Quotas);
        Assert.Null(driver.Capabilities.MaxLayerDepth);
    }

    public void Dispose()
    {
        foreach (var driver in _drivers)
        {
            driver.Dispose();
        }
        FileTree.RemoveAll(_execRoot);
    }

    private IStorageDriver NewDriver(out string root)
    {
        root = filesystem.NewRoot();
        return NewDriver(root);
    }

    private IStorageDriver NewDriver(string root)
    {
        var driver = PluginHarness.StorageDriver("Modular.Storage.Btrfs", "btrfs", root, _execRoot);
        _drivers.Add(driver);
        return driver;
    }

    private static string NewId() => "layer" + Guid.NewGuid().ToString("N");
}
