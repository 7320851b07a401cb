using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>A created layer exists until it is removed, and is gone after.</summary>
    [Fact]
    public void CreatedLayerExistsUntilRemoved()
    {
        var id = NewId();
        Assert.False(Driver.Exists(id));
        Driver.Create(id, null);
        Assert.True(Driver.Exists(id));
        Driver.Remove(id);
        Assert.False(Driver.Exists(id));
    }

    /// <summary>Removing a layer twice: the second Remove is NotFound, and the id can be created afresh afterwards.</summary>
    [Fact]
    public void RemovingALayerTwiceIsNotFound()
    {
        var id = NewId();
        Driver.CreateReadWrite(id, null);
        WithMounted(id, root => File.WriteAllText(Path.Join(root, "old"), "from the first life"));
        Driver.Remove(id);
        AssertFails(DriverErrorKind.NotFound, () => Driver.Remove(id));
        Assert.False(Driver.Exists(id));

        Driver.CreateReadWrite(id, null);
        WithMounted(id, root => Assert.Empty(EntriesOf(root)));
    }

    /// <summary>
    /// An empty base layer, read-only or read-write, mounts as an empty directory owned by root with mode 0755
    /// (moby's graphtest CreateEmpty, containerd's RootPermission).
    /// </summary>
    [Fact]
    public void EmptyBaseLayersAreEmptyRootOwnedDirectories()
    {
        RequireRoot();
        var image = NewId();
        Driver.Create(image, null);
        var container = NewId();
        Driver.CreateReadWrite(container, null);
        foreach (var id in new[] { image, container })
        {
            WithMounted(id, root =>
            {
                var status = LinuxSyscalls.LStat(root);
                Assert.True(status.IsDirectory);
                Assert.Equal(LayerTarBuilder.Octal("755"), status.Permissions);
                Assert.Equal((0u, 0u), (status.Uid, status.Gid));
                Assert.Empty(EntriesOf(root));
            });
        }
    }

    /// <summary>A layer on a missing parent is refused as NotFound, and nothing is created.</summary>
    [Fact]
    public void CreatingOnAMissingParentIsNotFound()
    {
        var id = NewId();
        AssertFails(DriverErrorKind.NotFound, () => Driver.Create(id, NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.CreateReadWrite(id, NewId()));
        Assert.False(Driver.Exists(id));
    }

    /// <summary>
    /// The rule for removing a parent: a layer another layer is stacked on cannot be removed (Conflict), as containerd's
    /// snapshotter suite requires (RemoveIntermediateSnapshot), because a copy-on-write child cannot outlive its parent.
    /// Both stay usable, and the parent can be removed once its child is gone.
    /// </summary>
    [Fact]
    public void RemovingALayerThatHasAChildIsConflict()
    {
        RequireRoot();
        var parent = CreateImageLayer(null, tar => tar.File("from-parent", "p"));
        var child = NewId();
        Driver.CreateReadWrite(child, parent);

        AssertFails(DriverErrorKind.Conflict, () => Driver.Remove(parent));
        Assert.True(Driver.Exists(parent));
        WithMounted(child, root => Assert.Equal("p", File.ReadAllText(Path.Join(root, "from-parent"))));
        WithMounted(parent, root => Assert.Equal("p", File.ReadAllText(Path.Join(root, "from-parent"))));

        Driver.Remove(child);
        Driver.Remove(parent);
        Assert.False(Driver.Exists(parent));
    }

    /// <summary>An id that exists cannot be created again, read-only or read-write.</summary>
    [Fact]
    public void CreatingAnExistingIdIsConflict()
    {
        var id = NewId();
        Driver.Create(id, null);
        AssertFails(DriverErrorKind.Conflict, () => Driver.Create(id, null));
        AssertFails(DriverErrorKind.Conflict, () => Driver.CreateReadWrite(id, null));
        Assert.True(Driver.Exists(id));
    }

    /// <summary>Removing, mounting, releasing or describing a layer that does not exist is NotFound.</summary>
    [Fact]
    public void MissingLayersAreNotFound()
    {
        AssertFails(DriverErrorKind.NotFound, () => Driver.Remove(NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.Get(NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.Put(NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.GetMetadata(NewId()));
    }

    /// <summary>GetMetadata describes every existing layer with well-formed entries, and stops once it is removed.</summary>
    [Fact]
    public void MetadataDescribesExistingLayersOnly()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.File("f", "x"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        foreach (var id in new[] { image, container })
        {
            var metadata = Driver.GetMetadata(id);
            Assert.NotNull(metadata);
            Assert.All(metadata, entry => Assert.False(string.IsNullOrWhiteSpace(entry.Key), $"a metadata key of {id} is empty"));
        }
        Driver.Remove(container);
        AssertFails(DriverErrorKind.NotFound, () => Driver.GetMetadata(container));
    }

    /// <summary>
    /// Status lines (docker info) have non-empty, distinct names and non-null values. An empty list is allowed: Docker's
    /// own vfs lists nothing.
    /// </summary>
    [Fact]
    public void StatusLinesAreWellFormed()
    {
        var status = Driver.Status;
        Assert.NotNull(status);
        Assert.All(status, line =>
        {
            Assert.False(string.IsNullOrWhiteSpace(line.Key), "a status line has no name");
            Assert.NotNull(line.Value);
        });
        Assert.Equal(status.Count, status.Select(s => s.Key).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>
    /// Ids that could name a path outside the driver's root are refused as InvalidArgument by every operation taking
    /// an id or a parent, and nothing named after them appears anywhere.
    /// </summary>
    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("/escape")]
    [InlineData("escape/..")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public void PathLikeIdsAreRefused(string id)
    {
        var valid = NewId();
        Driver.CreateReadWrite(valid, null);
        var operations = new (string Name, Action Run)[]
        {
            ("Create", () => Driver.Create(id, null)),
            ("CreateReadWrite", () => Driver.CreateReadWrite(id, null)),
            ("Create on it", () => Driver.Create(NewId(), id)),
            ("CreateReadWrite on it", () => Driver.CreateReadWrite(NewId(), id)),
            ("Get", () => Driver.Get(id)),
            ("Put", () => Driver.Put(id)),
            ("Remove", () => Driver.Remove(id)),
            ("GetMetadata", () => Driver.GetMetadata(id)),
            ("Changes", () => Driver.Changes(id, null)),
            ("Changes against it", () => Driver.Changes(valid, id)),
            ("DiffSize", () => Driver.DiffSize(id, null)),
            ("Diff", () => Driver.Diff(id, null).Dispose()),
            ("ApplyDiff", () => Driver.ApplyDiff(id, null, new LayerTarBuilder().File("f", "x").Build())),
        };
        foreach (var (name, run) in operations)
        {
            var exception = Assert.ThrowsAny<DriverException>(run);
            Assert.True(exception.Kind == DriverErrorKind.InvalidArgument, $"{name}(\"{id}\"): expected InvalidArgument, got {exception.Kind}: {exception.Message}");
        }
        try
        {
            Assert.False(Driver.Exists(id), $"Exists(\"{id}\") is true");
        }
        catch (DriverException e) when (e.Kind == DriverErrorKind.InvalidArgument)
        {
            // Refusing the question is as good as answering no.
        }
        Assert.Empty(FindWithoutFollowingLinks(TemporaryFolder, "escape"));
    }

    // What a layer root holds, without the lost+found ext4 puts at a filesystem's root.
    private static List<string> EntriesOf(string root) =>
        FileTree.ChildNames(root).Where(n => n != "lost+found").ToList();
}
