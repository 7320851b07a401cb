using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>
    /// Changes against the parent is exactly what the container did (moby's graphtest Changes): a directory whose
    /// entries changed is Modified; updated files Modified; new files and every path of a new directory Added; deleted
    /// files Deleted; a deleted directory is reported alone, not its content; untouched paths and the root never appear.
    /// </summary>
    [Fact]
    public void ChangesAreExactlyWhatTheContainerDid()
    {
        RequireRoot();
        var (image, container, expected, _) = ContainerWithManyChanges();
        var actual = Driver.Changes(container, image).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"missing: {string.Join(", ", missing)}\nunexpected: {string.Join(", ", unexpected)}");
    }

    /// <summary>
    /// DiffSize is the bytes of the files the container added or changed; its Diff applied onto a sibling of the
    /// container reports that same size and reproduces the container's view, deletions included (moby's DiffApply).
    /// </summary>
    [Fact]
    public void DiffSizeIsTheSizeOfWhatChangedAndTheDiffReproducesTheView()
    {
        RequireRoot();
        var (image, container, _, changedBytes) = ContainerWithManyChanges();
        var diffSize = Driver.DiffSize(container, image);
        Assert.Equal(changedBytes, diffSize);

        var sibling = NewId();
        Driver.Create(sibling, image);
        long applied;
        using (var diff = Driver.Diff(container, image))
        {
            applied = Driver.ApplyDiff(sibling, image, diff);
        }
        Assert.Equal(diffSize, applied);
        TreeSnapshot expectedView = null!;
        WithMounted(container, root => expectedView = TreeSnapshot.Capture(root));
        WithMounted(sibling, root => TreeSnapshot.AssertEqual(expectedView, TreeSnapshot.Capture(root), "the diff applied onto a sibling"));
    }

    /// <summary>A container that only deletes has a DiffSize of 0 and lists only deletions.</summary>
    [Fact]
    public void ALayerThatOnlyDeletesHasNoSize()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.File("a", "aaaa").Directory("d").File("d/b", "bbbb"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            File.Delete(Path.Join(root, "a"));
            Directory.Delete(Path.Join(root, "d"), recursive: true);
        });
        Assert.Equal(0, Driver.DiffSize(container, image));
        Assert.Equal(
            [new FileChange("/a", FileChangeKind.Deleted), new FileChange("/d", FileChangeKind.Deleted)],
            Driver.Changes(container, image).OrderBy(c => c.Path, StringComparer.Ordinal));
    }

    private (string Image, string Container, List<FileChange> Expected, long ChangedBytes) ContainerWithManyChanges()
    {
        const int files = 12;
        var image = CreateImageLayer(null, tar =>
        {
            tar.Directory("directory");
            for (var i = 0; i < files; i++)
            {
                tar.File($"directory/file-{i}", $"original content {i}");
            }
            tar.Directory("gone").File("gone/a", "a").Directory("gone/sub").File("gone/sub/b", "b").File("untouched", "same");
        });
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        var expected = new List<FileChange> { new("/directory", FileChangeKind.Modified) };
        long changedBytes = 0;
        WithMounted(container, root =>
        {
            for (var i = 0; i < files; i++)
            {
                var path = Path.Join(root, "directory", $"file-{i}");
                switch (i % 4)
                {
                    case 0:
                        var updated = $"updated content number {i}";
                        File.WriteAllText(path, updated);
                        changedBytes += updated.Length;
                        expected.Add(new($"/directory/file-{i}", FileChangeKind.Modified));
                        break;
                    case 1:
                        var added = $"added {i}";
                        File.WriteAllText(path + "-added", added);
                        changedBytes += added.Length;
                        expected.Add(new($"/directory/file-{i}-added", FileChangeKind.Added));
                        break;
                    case 2:
                        File.Delete(path);
                        expected.Add(new($"/directory/file-{i}", FileChangeKind.Deleted));
                        break;
                }
            }
            Directory.Delete(Path.Join(root, "gone"), recursive: true);
            expected.Add(new("/gone", FileChangeKind.Deleted));
            Directory.CreateDirectory(Path.Join(root, "new/deeper"));
            File.WriteAllText(Path.Join(root, "new/deeper/file"), "new file");
            changedBytes += "new file".Length;
            expected.AddRange([new("/new", FileChangeKind.Added), new("/new/deeper", FileChangeKind.Added), new("/new/deeper/file", FileChangeKind.Added)]);
        });
        return (image, container, expected.OrderBy(c => c.Path, StringComparer.Ordinal).ToList(), changedBytes);
    }
}
