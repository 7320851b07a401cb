using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>What a container writes into its read-write layer is there the next time the layer is mounted.</summary>
    [Fact]
    public void ReadWriteLayerKeepsWritesAcrossGetAndPut()
    {
        var id = NewId();
        Driver.CreateReadWrite(id, null);
        WithMounted(id, root => File.WriteAllText(Path.Join(root, "hello.txt"), "written"));
        WithMounted(id, root => Assert.Equal("written", File.ReadAllText(Path.Join(root, "hello.txt"))));
    }

    /// <summary>A child sees its parent's files; what the child writes or deletes never reaches the parent.</summary>
    [Fact]
    public void ParentContentIsVisibleThroughTheChildAndStaysUntouched()
    {
        RequireRoot();
        var parent = CreateImageLayer(null, tar => tar.Directory("etc").File("etc/motd", "from parent").File("gone", "x"));
        var child = NewId();
        Driver.CreateReadWrite(child, parent);
        WithMounted(child, root =>
        {
            Assert.Equal("from parent", File.ReadAllText(Path.Join(root, "etc/motd")));
            File.WriteAllText(Path.Join(root, "etc/motd"), "from child");
            File.Delete(Path.Join(root, "gone"));
        });
        WithMounted(child, root =>
        {
            Assert.Equal("from child", File.ReadAllText(Path.Join(root, "etc/motd")));
            Assert.False(File.Exists(Path.Join(root, "gone")));
        });
        WithMounted(parent, root =>
        {
            Assert.Equal("from parent", File.ReadAllText(Path.Join(root, "etc/motd")));
            Assert.True(File.Exists(Path.Join(root, "gone")));
        });
    }

    /// <summary>The chain depth the kit builds: 200 layers, or the driver's declared limit when that is lower.</summary>
    private const int DeepChainLayers = 200;

    /// <summary>
    /// A chain of 200 layers (or as many as the driver declares, if fewer), counting the container's read-write layer
    /// on top, mounts and shows the union of all of them: each layer overwrites a file, adds a file to a shared
    /// directory and replaces an opaque directory (containerd's 128LayersMount, moby's DeepLayerRead, made deeper).
    /// </summary>
    [Fact]
    public void DeepChainMountsAndShowsEveryLayer()
    {
        RequireRoot();
        var depth = Math.Min(Driver.Capabilities.MaxLayerDepth ?? DeepChainLayers, DeepChainLayers);
        var top = BuildImageChain(depth - 1);
        var container = NewId();
        Driver.CreateReadWrite(container, top);
        WithMounted(container, root => AssertChainView(root, depth - 1));
    }

    /// <summary>
    /// A driver that declares a depth limit mounts a chain exactly that deep, and one layer more fails cleanly with a
    /// DriverException (at Create or at Get), leaving the chain below usable.
    /// </summary>
    [Fact]
    public void ALayerBeyondTheDeclaredDepthFailsCleanly()
    {
        RequireRoot();
        var declared = Driver.Capabilities.MaxLayerDepth;
        if (declared is null)
        {
            Assert.Skip("the driver declares no depth limit");
        }
        if (declared > 1000)
        {
            Assert.Skip($"the declared limit of {declared} layers is too deep to build in a test");
        }
        var top = BuildImageChain(declared.Value);
        WithMounted(top, root => AssertChainView(root, declared.Value));

        var beyond = NewId();
        DriverException? failure = null;
        try
        {
            Driver.CreateReadWrite(beyond, top);
        }
        catch (DriverException e)
        {
            failure = e;
        }
        if (failure is null)
        {
            failure = Assert.ThrowsAny<DriverException>(() => Driver.Get(beyond));
            Driver.Remove(beyond);
        }
        else
        {
            Assert.False(Driver.Exists(beyond), $"layer {beyond} exists although creating it failed: {failure.Message}");
        }
        WithMounted(top, root => AssertChainView(root, declared.Value));
    }

    /// <summary>Get twice and Put once: the layer stays usable (and mounted, if the driver mounts); the second Put releases it.</summary>
    [Fact]
    public void AnExtraGetKeepsTheLayerMountedUntilItsPut()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.File("shared", "ok"));
        var id = NewId();
        Driver.CreateReadWrite(id, image);
        var first = Driver.Get(id);
        var mounted = MountTable.IsMountPoint(first);
        var second = Driver.Get(id);
        Assert.Equal(first, second);
        Driver.Put(id);
        Assert.Equal(mounted, MountTable.IsMountPoint(first));
        File.WriteAllText(Path.Join(first, "written"), "while referenced");
        Assert.Equal("ok", File.ReadAllText(Path.Join(first, "shared")));
        Driver.Put(id);
        Assert.False(MountTable.IsMountPoint(first), $"{first} is still mounted after the last Put");
        WithMounted(id, root => Assert.Equal("while referenced", File.ReadAllText(Path.Join(root, "written"))));
    }

    /// <summary>
    /// A daemon that crashed with layers mounted: a new driver on the same folders sees every layer, mounts and removes
    /// them, and after Cleanup nothing it or the crashed instance mounted stays mounted (only what the test's set-up
    /// mounted before the first layer, each exactly once).
    /// </summary>
    [Fact]
    public void ANewDriverRecoversFromACrashWithLayersMounted()
    {
        RequireRoot();
        // Mounts the test's own set-up made (a filesystem under the data-root, say) belong to no layer.
        var setUpMounts = MountPointsAfterTheDriverStarted();
        var image = CreateImageLayer(null, tar => tar.File("image-file", "from the image"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        var crashedRoot = Driver.Get(container);
        File.WriteAllText(Path.Join(crashedRoot, "written"), "before the crash");
        _ = Driver.Get(image);

        var driver = RestartDriverAfterCrash();
        Assert.True(driver.Exists(image));
        Assert.True(driver.Exists(container));
        WithMounted(container, root =>
        {
            Assert.Equal("before the crash", File.ReadAllText(Path.Join(root, "written")));
            Assert.Equal("from the image", File.ReadAllText(Path.Join(root, "image-file")));
        });
        var imageRoot = driver.Get(image);
        driver.Put(image);
        Assert.False(MountTable.IsMountPoint(imageRoot), $"{imageRoot} is still mounted after the new driver's last Put");
        driver.Remove(container);
        Assert.False(driver.Exists(container));
        WithMounted(image, root => Assert.Equal("from the image", File.ReadAllText(Path.Join(root, "image-file"))));

        driver.Cleanup();
        Assert.Equal(setUpMounts, MountTable.MountPointsUnder(TemporaryFolder).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Cleanup and Dispose may each run twice (containerd's CloseTwice); Cleanup unmounts what is still referenced, and
    /// the layers outlive the instance: a driver started afterwards on the same folders mounts them with their content.
    /// </summary>
    [Fact]
    public void CleanupAndDisposeCanBeRepeatedAndLayersOutliveThem()
    {
        RequireRoot();
        var setUpMounts = MountPointsAfterTheDriverStarted();
        var image = CreateImageLayer(null, tar => tar.File("image-file", "from the image"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        var first = Driver;
        File.WriteAllText(Path.Join(first.Get(container), "written"), "kept");
        first.Cleanup();
        first.Cleanup();
        Assert.Equal(setUpMounts, MountTable.MountPointsUnder(TemporaryFolder).Order(StringComparer.Ordinal));
        first.Dispose();
        first.Dispose();

        var second = RestartDriverAfterCrash();
        Assert.True(second.Exists(container));
        WithMounted(container, root =>
        {
            Assert.Equal("kept", File.ReadAllText(Path.Join(root, "written")));
            Assert.Equal("from the image", File.ReadAllText(Path.Join(root, "image-file")));
        });
    }

    /// <summary>Layers made, filled, mounted, diffed and removed from many threads at once do not disturb each other.</summary>
    [Fact]
    public void OperationsOnDifferentLayersRunConcurrently()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.File("shared", "image"));
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var container = NewId();
            Driver.CreateReadWrite(container, image);
            WithMounted(container, root =>
            {
                Assert.Equal("image", File.ReadAllText(Path.Join(root, "shared")));
                File.WriteAllText(Path.Join(root, "mine"), $"container {i}");
            });
            var committed = CommitToImageLayer(container, image);
            WithMounted(committed, root => Assert.Equal($"container {i}", File.ReadAllText(Path.Join(root, "mine"))));
            Assert.Contains(new FileChange("/mine", FileChangeKind.Added), Driver.Changes(container, image));
            Driver.Remove(container);
            Driver.Remove(committed);
        });
        WithMounted(image, root => Assert.Equal(["shared"], EntriesOf(root)));
    }

    /// <summary>
    /// Many threads taking and releasing one layer: it stays usable (and mounted, if the driver mounts) exactly while
    /// any reference is held, and is no mount point once the last reference is released.
    /// </summary>
    [Fact]
    public void ConcurrentGetAndPutKeepTheLayerMountedExactlyWhileReferenced()
    {
        RequireRoot();
        const int threads = 16;
        var parent = CreateImageLayer(null, tar => tar.File("shared", "ok"));
        var id = NewId();
        Driver.CreateReadWrite(id, parent);

        var roots = new string[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => roots[i] = Driver.Get(id));
        var root = Assert.Single(roots.Distinct());
        var mounted = MountTable.IsMountPoint(root);
        Parallel.For(0, threads - 1, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Driver.Put(id));
        Assert.Equal("ok", File.ReadAllText(Path.Join(root, "shared")));
        Assert.Equal(mounted, MountTable.IsMountPoint(root));
        Driver.Put(id);
        Assert.False(MountTable.IsMountPoint(root), $"{root} is still mounted after the last Put");

        // Interleaved pairs from many threads: every Get sees the content, and nothing stays mounted afterwards.
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            var path = Driver.Get(id);
            try
            {
                Assert.Equal("ok", File.ReadAllText(Path.Join(path, "shared")));
            }
            finally
            {
                Driver.Put(id);
            }
        });
        Assert.False(MountTable.IsMountPoint(root), $"{root} is still mounted after balanced Get/Put pairs");
    }

    /// <summary>Removing a layer mounted twice unmounts it first, as Docker's drivers do; it is gone afterwards.</summary>
    [Fact]
    public void RemovingAMountedLayerUnmountsAndDeletesIt()
    {
        RequireRoot();
        var parent = CreateImageLayer(null, tar => tar.File("f", "x"));
        var id = NewId();
        Driver.CreateReadWrite(id, parent);
        var root = Driver.Get(id);
        _ = Driver.Get(id);
        Driver.Remove(id);
        Assert.False(Driver.Exists(id));
        Assert.False(MountTable.IsMountPoint(root), $"{root} is still mounted after Remove");
        AssertFails(DriverErrorKind.NotFound, () => Driver.Get(id));
    }

    private List<string> MountPointsAfterTheDriverStarted()
    {
        _ = Driver;
        return MountTable.MountPointsUnder(TemporaryFolder).Order(StringComparer.Ordinal).ToList();
    }

    // Layers 0..count-1 on top of each other, as containerd's 128LayersMount builds them.
    private string BuildImageChain(int count)
    {
        string? parent = null;
        for (var i = 0; i < count; i++)
        {
            var layer = i;
            parent = CreateImageLayer(parent, tar =>
            {
                if (layer == 0)
                {
                    tar.File("bottom", "way at the bottom").File("overwriteme", "FIRST!")
                        .Directory("addhere").Directory("onlyme").File("onlyme/bottom", "bye!");
                    return;
                }
                tar.File("overwriteme", $"{layer} WAS HERE!")
                    .Directory("addhere").File($"addhere/file-{layer}", "same")
                    .Directory("onlyme").Opaque("onlyme").File($"onlyme/file-{layer}", "only me!");
            });
        }
        return parent!;
    }

    private static void AssertChainView(string root, int layers)
    {
        Assert.Equal("way at the bottom", File.ReadAllText(Path.Join(root, "bottom")));
        Assert.Equal(layers == 1 ? "FIRST!" : $"{layers - 1} WAS HERE!", File.ReadAllText(Path.Join(root, "overwriteme")));
        Assert.Equal(
            Enumerable.Range(1, layers - 1).Select(i => $"file-{i}").Order(StringComparer.Ordinal),
            FileTree.ChildNames(Path.Join(root, "addhere")));
        Assert.Equal([layers == 1 ? "bottom" : $"file-{layers - 1}"], FileTree.ChildNames(Path.Join(root, "onlyme")));
    }
}
