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

    /// <summary>A chain as deep as the driver declares (130 at most) mounts, and the bottom layer's files read through it.</summary>
    [Fact]
    public void DeepChainMountsAndReadsTheBottomLayer()
    {
        RequireRoot();
        var depth = Math.Min(Driver.Capabilities.MaxLayerDepth ?? 130, 130);
        string? parent = null;
        for (var i = 0; i < depth; i++)
        {
            var layer = i;
            parent = CreateImageLayer(parent, tar => tar.File($"layer-{layer}", $"content of layer {layer}"));
        }
        var top = NewId();
        Driver.CreateReadWrite(top, parent);
        WithMounted(top, root =>
        {
            Assert.Equal("content of layer 0", File.ReadAllText(Path.Join(root, "layer-0")));
            Assert.Equal($"content of layer {depth / 2}", File.ReadAllText(Path.Join(root, $"layer-{depth / 2}")));
            Assert.Equal($"content of layer {depth - 1}", File.ReadAllText(Path.Join(root, $"layer-{depth - 1}")));
            Assert.Equal(depth, Directory.GetFiles(root).Length);
        });
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

    /// <summary>Removing a mounted layer unmounts it first; it is gone afterwards.</summary>
    [Fact]
    public void RemovingAMountedLayerUnmountsAndDeletesIt()
    {
        RequireRoot();
        var parent = CreateImageLayer(null, tar => tar.File("f", "x"));
        var id = NewId();
        Driver.CreateReadWrite(id, parent);
        var root = Driver.Get(id);
        Driver.Remove(id);
        Assert.False(Driver.Exists(id));
        Assert.False(MountTable.IsMountPoint(root), $"{root} is still mounted after Remove");
        AssertFails(DriverErrorKind.NotFound, () => Driver.Get(id));
    }
}
