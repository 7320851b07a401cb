using System.Formats.Tar;
using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// overlay2 reads a layer's changes against its own parent from its diff directory, translating overlayfs whiteouts and
/// opaque directories to OCI form, and compares trees otherwise. The opaque marker in a diff tells the two apart: only
/// the native reading emits it; a tree comparison lists each deleted child as its own whiteout.
/// </summary>
public sealed class Overlay2NativeDiffTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("modular-overlay2-diff-").FullName;
    private readonly Overlay2Harness _harness = new();
    private IStorageDriver? _driver;

    public void Dispose()
    {
        try
        {
            _harness.Dispose();
        }
        finally
        {
            FileTree.RemoveAll(_temp);
        }
    }

    private IStorageDriver Driver
    {
        get
        {
            if (!Environment.IsPrivilegedProcess)
            {
                Assert.Skip("needs root: overlay mounts, whiteouts and trusted xattrs");
            }
            return _driver ??= _harness.Start(_temp);
        }
    }

    [Fact]
    public void TheDriverReportsNativeDiff()
    {
        Assert.True(Driver.Capabilities.NativeDiff);
        Assert.Equal(
            ["Backing Filesystem", "Supports d_type", "Using metacopy", "Native Overlay Diff"],
            Driver.Status.Select(s => s.Key));
        Assert.Equal("true", Driver.Status.Single(s => s.Key == "Native Overlay Diff").Value);
    }

    [Fact]
    public void AReplacedDirectoryIsAnOpaqueDirectoryAndARemovedOneAWhiteout()
    {
        var (image, container) = ContainerThatReplacedDirectoryB();

        Assert.Equal(
            [
                new FileChange("/added", FileChangeKind.Added),
                new FileChange("/b", FileChangeKind.Modified),
                new FileChange("/b/new", FileChangeKind.Added),
                new FileChange("/b/old1", FileChangeKind.Deleted),
                new FileChange("/b/old2", FileChangeKind.Deleted),
                new FileChange("/c", FileChangeKind.Deleted),
            ],
            Driver.Changes(container, image));
        Assert.Equal("new".Length + "added".Length, Driver.DiffSize(container, image));

        var names = TarNames(container, image);
        Assert.Contains("b/.wh..wh..opq", names);
        Assert.Contains(".wh.c", names);
        Assert.Contains("b/new", names);
        Assert.DoesNotContain("b/.wh.old1", names);
        Assert.DoesNotContain(names, n => n.StartsWith("keep", StringComparison.Ordinal) || n.StartsWith("d/", StringComparison.Ordinal));

        AssertAppliedViewMatches(container, image);
    }

    [Fact]
    public void AgainstALayerThatIsNotItsParentTheTreesAreCompared()
    {
        var (image, container) = ContainerThatReplacedDirectoryB();
        var grandparent = ParentOf(image);

        var changes = Driver.Changes(container, grandparent);
        Assert.Contains(new FileChange("/b", FileChangeKind.Added), changes);
        Assert.Contains(new FileChange("/b/new", FileChangeKind.Added), changes);
        Assert.DoesNotContain(changes, c => c.Kind == FileChangeKind.Deleted && c.Path.StartsWith("/b", StringComparison.Ordinal));

        var names = TarNames(container, grandparent);
        Assert.DoesNotContain("b/.wh..wh..opq", names);
        Assert.Contains("b/new", names);
    }

    [Fact]
    public void ARedirectedDirectoryInTheDiffDirectoryMakesTheDriverCompareTrees()
    {
        var (image, container) = ContainerThatReplacedDirectoryB();
        // overlayfs writes trusted.overlay.redirect when redirect_dir is on and a lower directory is renamed; this
        // kernel runs with it off, so the mark is planted as overlayfs would leave it, pointing at the directory itself.
        var upper = Driver.GetMetadata(container)["UpperDir"];
        WithMounted(container, root => File.WriteAllText(Path.Join(root, "d", "touched"), "t"));
        LinuxSyscalls.SetXattr(Path.Join(upper, "d"), Whiteouts.OverlayXattrPrefix + "redirect", "/d"u8);

        var names = TarNames(container, image);
        Assert.DoesNotContain("b/.wh..wh..opq", names);
        Assert.Contains("b/.wh.old1", names);
        Assert.Contains("b/.wh.old2", names);
        Assert.Contains(new FileChange("/d/touched", FileChangeKind.Added), Driver.Changes(container, image));
        AssertAppliedViewMatches(container, image);
    }

    [Fact]
    public void ABaseLayerDiffsAsEverythingAdded()
    {
        var layer = NewId();
        Driver.Create(layer, null);
        using (var tar = new LayerTarBuilder().Directory("x").File("x/y", "yy").Symlink("z", "x/y").Build())
        {
            Driver.ApplyDiff(layer, null, tar);
        }
        Assert.Equal(
            [
                new FileChange("/x", FileChangeKind.Added),
                new FileChange("/x/y", FileChangeKind.Added),
                new FileChange("/z", FileChangeKind.Added),
            ],
            Driver.Changes(layer, null));
        Assert.Equal(2, Driver.DiffSize(layer, null));
        Assert.Equal(["x/", "x/y", "z"], TarNames(layer, null));
    }

    private (string Image, string Container) ContainerThatReplacedDirectoryB()
    {
        var grandparent = NewId();
        Driver.Create(grandparent, null);
        using (var tar = new LayerTarBuilder().File("keep", "k").Build())
        {
            Driver.ApplyDiff(grandparent, null, tar);
        }
        var image = NewId();
        Driver.Create(image, grandparent);
        using (var tar = new LayerTarBuilder()
            .Directory("b").File("b/old1", "1").File("b/old2", "2")
            .Directory("c").File("c/x", "x")
            .Directory("d").File("d/f", "f")
            .Build())
        {
            Driver.ApplyDiff(image, grandparent, tar);
        }
        _parents[image] = grandparent;
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            Directory.Delete(Path.Join(root, "b"), recursive: true);
            Directory.CreateDirectory(Path.Join(root, "b"));
            File.WriteAllText(Path.Join(root, "b", "new"), "new");
            Directory.Delete(Path.Join(root, "c"), recursive: true);
            File.WriteAllText(Path.Join(root, "added"), "added");
        });
        return (image, container);
    }

    private readonly Dictionary<string, string> _parents = new();

    private string ParentOf(string layer) => _parents[layer];

    // The diff applied onto a sibling of the container's parent reproduces what the container sees.
    private void AssertAppliedViewMatches(string container, string image)
    {
        var sibling = NewId();
        Driver.Create(sibling, image);
        using (var diff = Driver.Diff(container, image))
        {
            Driver.ApplyDiff(sibling, image, diff);
        }
        string Listing(string id)
        {
            var lines = new List<string>();
            WithMounted(id, root => lines.AddRange(
                Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
                    .Select(p => Path.GetRelativePath(root, p) + (File.Exists(p) ? "=" + File.ReadAllText(p) : "/"))
                    .Order(StringComparer.Ordinal)));
            return string.Join('\n', lines);
        }
        Assert.Equal(Listing(container), Listing(sibling));
    }

    private List<string> TarNames(string id, string? parent)
    {
        using var diff = Driver.Diff(id, parent);
        using var reader = new TarReader(diff);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }
        return names;
    }

    private void WithMounted(string id, Action<string> action)
    {
        var root = Driver.Get(id);
        try
        {
            action(root);
        }
        finally
        {
            Driver.Put(id);
        }
    }

    private static string NewId() => "layer" + Guid.NewGuid().ToString("N");
}
