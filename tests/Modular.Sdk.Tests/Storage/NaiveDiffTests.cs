using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

public sealed class NaiveDiffTests : IDisposable
{
    private readonly TemporaryTree _tree = new();
    private readonly string _parent;
    private readonly string _layer;

    public NaiveDiffTests()
    {
        // xunit does not dispose an instance whose constructor threw, so the folder is removed here on failure.
        try
        {
            _parent = Directory.CreateDirectory(Path.Join(_tree.Folder, "parent")).FullName;
            _layer = Directory.CreateDirectory(Path.Join(_tree.Folder, "layer")).FullName;
            // The same tar applied twice gives two trees with identical metadata, as a vfs copy would.
            var image = new LayerTarBuilder().File("same", "s").File("modified", "m").File("deleted", "d")
                .Directory("gone-dir").File("gone-dir/x", "x").Directory("dir").File("dir/same", "s");
            var bytes = image.Build().ToArray();
            foreach (var root in new[] { _parent, _layer })
            {
                LayerArchive.Apply(new MemoryStream(bytes), root, WhiteoutMode.DeletePaths);
            }
        }
        catch
        {
            _tree.Dispose();
            throw;
        }
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void ChangesListAddedModifiedAndDeletedPathsOnly()
    {
        ChangeLayer();

        var changes = NaiveDiff.Changes(_layer, _parent);

        Assert.Equal(
        [
            new FileChange("/added", FileChangeKind.Added),
            new FileChange("/deleted", FileChangeKind.Deleted),
            new FileChange("/dir", FileChangeKind.Modified),
            new FileChange("/dir/new", FileChangeKind.Added),
            new FileChange("/dir/new/inner", FileChangeKind.Added),
            new FileChange("/gone-dir", FileChangeKind.Deleted),
            new FileChange("/modified", FileChangeKind.Modified),
        ], changes.Where(c => c.Path != "/").ToList());
    }

    [Fact]
    public void AnUnchangedLayerHasNoChanges()
    {
        Assert.Empty(NaiveDiff.Changes(_layer, _parent));
        Assert.Equal(0, NaiveDiff.Size(_layer, _parent));
    }

    [Fact]
    public void WithoutAParentEverythingIsAdded()
    {
        var changes = NaiveDiff.Changes(_layer, null);

        Assert.All(changes, c => Assert.Equal(FileChangeKind.Added, c.Kind));
        Assert.Contains(new FileChange("/gone-dir/x", FileChangeKind.Added), changes);
    }

    [Fact]
    public void TheDiffTarAppliedOnTheParentReproducesTheLayer()
    {
        ChangeLayer();
        var copy = Directory.CreateDirectory(Path.Join(_tree.Folder, "copy")).FullName;
        using (var image = new LayerTarBuilder().File("same", "s").File("modified", "m").File("deleted", "d")
            .Directory("gone-dir").File("gone-dir/x", "x").Directory("dir").File("dir/same", "s").Build())
        {
            LayerArchive.Apply(image, copy, WhiteoutMode.DeletePaths);
        }

        using var diff = new MemoryStream();
        NaiveDiff.WriteTar(_layer, _parent, diff);
        diff.Position = 0;
        var applied = LayerArchive.Apply(diff, copy, WhiteoutMode.DeletePaths);

        Assert.Empty(NaiveDiff.Changes(_layer, copy));
        Assert.Equal(NaiveDiff.Size(_layer, _parent), applied);
    }

    [Fact]
    public void SizeCountsAHardLinkedFileOnce()
    {
        File.WriteAllText(Path.Join(_layer, "big"), new string('x', 1000));
        LinuxSyscalls.HardLink(Path.Join(_layer, "big"), Path.Join(_layer, "big-link"));

        Assert.Equal(1000, NaiveDiff.Size(_layer, _parent));
    }

    private void ChangeLayer()
    {
        File.WriteAllText(Path.Join(_layer, "added"), "new");
        File.WriteAllText(Path.Join(_layer, "modified"), "changed content");
        File.Delete(Path.Join(_layer, "deleted"));
        FileTree.RemoveAll(Path.Join(_layer, "gone-dir"));
        Directory.CreateDirectory(Path.Join(_layer, "dir/new"));
        File.WriteAllText(Path.Join(_layer, "dir/new/inner"), "i");
    }
}
