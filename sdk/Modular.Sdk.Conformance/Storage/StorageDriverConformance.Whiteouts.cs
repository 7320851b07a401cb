using System.Formats.Tar;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>
    /// Deletions a container makes through the mount (a file, a whole directory, a directory removed and made again)
    /// come out of Diff in the OCI tar form, whatever the filesystem keeps natively (overlayfs' 0/0 character devices
    /// and opaque xattrs): <c>.wh.NAME</c> entries, nothing under a deleted directory, and an opaque marker or a
    /// whiteout per old entry for the remade directory. Applied onto a sibling, the diff reproduces the container's view.
    /// </summary>
    [Fact]
    public void DiffEmitsDeletionsMadeThroughTheMountInTarForm()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar
            .Directory("a").File("a/keep", "k").File("a/gone", "g")
            .Directory("b").File("b/old1", "1").File("b/old2", "2")
            .Directory("c").File("c/x", "x").Directory("c/deeper").File("c/deeper/y", "y"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            File.Delete(Path.Join(root, "a/gone"));
            Directory.Delete(Path.Join(root, "b"), recursive: true);
            ContainerFileOperations.MakeDirectory(Path.Join(root, "b"));
            File.WriteAllText(Path.Join(root, "b/new"), "n");
            Directory.Delete(Path.Join(root, "c"), recursive: true);
        });

        List<LayerTarEntry> entries;
        using (var diff = Driver.Diff(container, image))
        {
            entries = LayerTarContents.Read(diff);
        }
        AssertOciTarForm(entries);
        var names = entries.Select(e => e.Name.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("a/.wh.gone", names);
        Assert.Contains(".wh.c", names);
        Assert.DoesNotContain(names, n => n.StartsWith("c/", StringComparison.Ordinal));
        Assert.Contains("b/new", names);
        Assert.True(names.Contains("b/" + Whiteouts.OpaqueMarker) || (names.Contains("b/.wh.old1") && names.Contains("b/.wh.old2")),
            "the remade directory b neither is opaque nor whites out its old entries: " + string.Join(", ", names));

        AssertDiffReproducesTheView(container, image);
    }

    /// <summary>
    /// A layer applied from a tar holding whiteouts and an opaque marker, diffed against its parent, gives them back
    /// in tar form, and that tar rebuilds the same view on a sibling.
    /// </summary>
    [Fact]
    public void DiffOfALayerAppliedWithWhiteoutsGivesThemBackInTarForm()
    {
        RequireRoot();
        var bottom = CreateImageLayer(null, tar => tar
            .Directory("a").File("a/keep", "k").File("a/gone", "g")
            .Directory("b").File("b/old", "1")
            .Directory("c").File("c/x", "x"));
        var middle = CreateImageLayer(bottom, tar => tar
            .Whiteout("a/gone").Directory("b").Opaque("b").File("b/new", "n").Whiteout("c"));

        List<LayerTarEntry> entries;
        using (var diff = Driver.Diff(middle, bottom))
        {
            entries = LayerTarContents.Read(diff);
        }
        AssertOciTarForm(entries);
        var names = entries.Select(e => e.Name.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("a/.wh.gone", names);
        Assert.Contains(".wh.c", names);
        Assert.True(names.Contains("b/" + Whiteouts.OpaqueMarker) || names.Contains("b/.wh.old"), string.Join(", ", names));
        AssertDiffReproducesTheView(middle, bottom);
    }

    /// <summary>
    /// A whiteout followed, in the same layer, by a directory of the same name (the order the OCI spec recommends)
    /// deletes the lower directory's content: only what the layer puts in the new directory shows.
    /// </summary>
    [Fact]
    public void AWhiteoutThenADirectoryOfTheSameNameReplacesTheLowerDirectory()
    {
        RequireRoot();
        var bottom = CreateImageLayer(null, tar => tar.Directory("lib").File("lib/hidden", "old"));
        var top = CreateImageLayer(bottom, tar => tar.Whiteout("lib").Directory("lib", mode: "700").File("lib/not-hidden", "new"));
        var container = NewId();
        Driver.CreateReadWrite(container, top);
        WithMounted(container, root =>
        {
            Assert.Equal(["not-hidden"], FileTree.ChildNames(Path.Join(root, "lib")));
            Assert.Equal(LayerTarBuilder.Octal("700"), Syscalls.LinuxSyscalls.LStat(Path.Join(root, "lib")).Permissions);
        });
    }

    /// <summary>A whiteout naming something no lower layer has is harmless: nothing of that name shows, and the rest of the layer applies.</summary>
    [Fact]
    public void AWhiteoutOfAMissingPathIsHarmless()
    {
        RequireRoot();
        var bottom = CreateImageLayer(null, tar => tar.File("present", "p"));
        var top = CreateImageLayer(bottom, tar => tar.Whiteout("never-existed").Whiteout("missing-dir/inside").File("added", "a"));
        var container = NewId();
        Driver.CreateReadWrite(container, top);
        WithMounted(container, root => Assert.Equal(["added", "present"], EntriesOf(root).Where(n => n != "missing-dir")));
    }

    private static void AssertOciTarForm(List<LayerTarEntry> entries)
    {
        foreach (var entry in entries)
        {
            Assert.False(entry.Type == TarEntryType.CharacterDevice && entry.DeviceMajor == 0 && entry.DeviceMinor == 0,
                $"{entry.Name} is an overlayfs whiteout (0/0 character device), not an OCI .wh. entry");
            Assert.DoesNotContain(entry.PaxKeys, k => k.StartsWith("SCHILY.xattr." + Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal));
            if (Path.GetFileName(entry.Name.TrimEnd('/')).StartsWith(Whiteouts.Prefix, StringComparison.Ordinal))
            {
                Assert.True(entry.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile, $"whiteout {entry.Name} is a {entry.Type}, not a regular file");
            }
        }
    }

    private void AssertDiffReproducesTheView(string layer, string parent)
    {
        var sibling = CommitToImageLayer(layer, parent);
        TreeSnapshot expected = null!;
        WithMounted(layer, root => expected = TreeSnapshot.Capture(root));
        WithMounted(sibling, root => TreeSnapshot.AssertEqual(expected, TreeSnapshot.Capture(root), "the diff applied onto a sibling"));
    }
}
