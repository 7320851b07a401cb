using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    private static readonly DateTimeOffset DirectoryTime = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset FileTime = new(2021, 2, 3, 4, 5, 6, TimeSpan.Zero);
    private static readonly DateTimeOffset LinkTime = new(2022, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>
    /// A layer applied from a tar, exported with Diff and applied again elsewhere keeps every kind of entry with its
    /// modes (setuid, sticky), owners, times, xattrs, hard links, symlinks, FIFOs and device nodes; the size ApplyDiff
    /// reports equals DiffSize.
    /// </summary>
    [Fact]
    public void DiffAndApplyDiffRoundTripKeepsEveryKindOfEntry()
    {
        RequireRoot();
        var source = CreateImageLayer(null, tar => tar
            .Directory("d", mode: "1705", uid: 1, gid: 2, time: DirectoryTime)
            .File("d/program", "#!/bin/sh\n", mode: "4755", uid: 3, gid: 4, time: FileTime,
                xattrs: new Dictionary<string, string> { ["user.note"] = "kept" })
            .HardLink("d/program-link", "d/program")
            .Symlink("link", "d/program", uid: 5, gid: 6, time: LinkTime)
            .Fifo("fifo", mode: "640")
            .CharDevice("null", 1, 3, mode: "666")
            .BlockDevice("loop", 7, 0, mode: "660"));
        AssertEveryKindOfEntry(source);

        var copy = NewId();
        Driver.Create(copy, null);
        long applied;
        using (var diff = Driver.Diff(source, null))
        {
            applied = Driver.ApplyDiff(copy, null, diff);
        }
        Assert.Equal(Driver.DiffSize(source, null), applied);
        AssertEveryKindOfEntry(copy);
    }

    /// <summary>Whiteouts delete a parent's files and directories; an opaque directory hides all the parent put in it.</summary>
    [Fact]
    public void WhiteoutsAndOpaqueDirectoriesHideTheParentsContent()
    {
        RequireRoot();
        var bottom = CreateImageLayer(null, tar => tar
            .Directory("a").File("a/keep", "k").File("a/gone", "g")
            .Directory("b").File("b/old1", "1").File("b/old2", "2")
            .Directory("c").File("c/x", "x")
            .File("top-gone", "t"));
        var middle = CreateImageLayer(bottom, tar => tar
            .Whiteout("a/gone")
            .Directory("b").Opaque("b").File("b/new", "n")
            .Whiteout("c")
            .Whiteout("top-gone"));
        var container = NewId();
        Driver.CreateReadWrite(container, middle);
        WithMounted(container, root =>
        {
            Assert.Equal("k", File.ReadAllText(Path.Join(root, "a/keep")));
            Assert.False(File.Exists(Path.Join(root, "a/gone")));
            Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.Join(root, "b")).Select(Path.GetFileName));
            Assert.False(Directory.Exists(Path.Join(root, "c")));
            Assert.False(File.Exists(Path.Join(root, "top-gone")));
            Assert.Empty(Directory.GetFileSystemEntries(root).Where(p => Path.GetFileName(p).StartsWith(Whiteouts.Prefix, StringComparison.Ordinal)));
        });
        WithMounted(bottom, root =>
        {
            Assert.True(File.Exists(Path.Join(root, "a/gone")));
            Assert.True(File.Exists(Path.Join(root, "c/x")));
            Assert.Equal(2, Directory.GetFiles(Path.Join(root, "b")).Length);
        });
    }

    /// <summary>Changes lists what a container added, modified and deleted, and nothing it left alone.</summary>
    [Fact]
    public void ChangesReportAddedModifiedAndDeletedPaths()
    {
        RequireRoot();
        var (image, container) = ContainerWithChanges();
        var changes = Driver.Changes(container, image);
        Assert.Contains(new FileChange("/added", FileChangeKind.Added), changes);
        Assert.Contains(new FileChange("/modified", FileChangeKind.Modified), changes);
        Assert.Contains(new FileChange("/deleted", FileChangeKind.Deleted), changes);
        Assert.Contains(new FileChange("/dir/added-inside", FileChangeKind.Added), changes);
        Assert.DoesNotContain(changes, c => c.Path is "/kept" or "/dir/kept-inside");
    }

    /// <summary>
    /// DiffSize counts the bytes of added and modified files; the diff applied onto a sibling of the container's parent
    /// reproduces the container's view and reports that same size.
    /// </summary>
    [Fact]
    public void DiffSizeMatchesTheBytesTheDiffApplies()
    {
        RequireRoot();
        var (image, container) = ContainerWithChanges();
        var size = Driver.DiffSize(container, image);
        Assert.Equal("a new file".Length + "before, and after".Length + "inside".Length, size);

        var sibling = NewId();
        Driver.Create(sibling, image);
        long applied;
        using (var diff = Driver.Diff(container, image))
        {
            applied = Driver.ApplyDiff(sibling, image, diff);
        }
        Assert.Equal(size, applied);
        var view = NewId();
        Driver.CreateReadWrite(view, sibling);
        WithMounted(view, root =>
        {
            Assert.Equal("a new file", File.ReadAllText(Path.Join(root, "added")));
            Assert.Equal("before, and after", File.ReadAllText(Path.Join(root, "modified")));
            Assert.Equal("same", File.ReadAllText(Path.Join(root, "kept")));
            Assert.False(File.Exists(Path.Join(root, "deleted")));
            Assert.Equal("inside", File.ReadAllText(Path.Join(root, "dir/added-inside")));
        });
    }

    private (string Image, string Container) ContainerWithChanges()
    {
        var image = CreateImageLayer(null, tar => tar
            .File("kept", "same").File("modified", "before").File("deleted", "bye")
            .Directory("dir").File("dir/kept-inside", "in"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            File.WriteAllText(Path.Join(root, "added"), "a new file");
            File.AppendAllText(Path.Join(root, "modified"), ", and after");
            File.Delete(Path.Join(root, "deleted"));
            File.WriteAllText(Path.Join(root, "dir/added-inside"), "inside");
        });
        return (image, container);
    }

    private void AssertEveryKindOfEntry(string id) => WithMounted(id, root =>
    {
        var directory = LinuxSyscalls.LStat(Path.Join(root, "d"));
        Assert.True(directory.IsDirectory);
        Assert.Equal(LayerTarBuilder.Octal("1705"), directory.Permissions);
        Assert.Equal((1u, 2u), (directory.Uid, directory.Gid));
        Assert.Equal(DirectoryTime.ToUnixTimeSeconds(), directory.ModificationTime.Seconds);

        var program = LinuxSyscalls.LStat(Path.Join(root, "d/program"));
        Assert.True(program.IsRegularFile);
        Assert.Equal(LayerTarBuilder.Octal("4755"), program.Permissions);
        Assert.Equal((3u, 4u), (program.Uid, program.Gid));
        Assert.Equal(FileTime.ToUnixTimeSeconds(), program.ModificationTime.Seconds);
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Join(root, "d/program")));
        Assert.Equal("kept"u8.ToArray(), LinuxSyscalls.GetXattr(Path.Join(root, "d/program"), "user.note"));

        var hardLink = LinuxSyscalls.LStat(Path.Join(root, "d/program-link"));
        Assert.Equal(program.Inode, hardLink.Inode);
        Assert.Equal(2UL, hardLink.LinkCount);

        var link = LinuxSyscalls.LStat(Path.Join(root, "link"));
        Assert.True(link.IsSymlink);
        Assert.Equal("d/program", LinuxSyscalls.ReadLink(Path.Join(root, "link")));
        Assert.Equal((5u, 6u), (link.Uid, link.Gid));
        Assert.Equal(LinkTime.ToUnixTimeSeconds(), link.ModificationTime.Seconds);

        var fifo = LinuxSyscalls.LStat(Path.Join(root, "fifo"));
        Assert.Equal(FileStatus.TypeFifo, fifo.Type);
        Assert.Equal(LayerTarBuilder.Octal("640"), fifo.Permissions);

        var null_ = LinuxSyscalls.LStat(Path.Join(root, "null"));
        Assert.Equal(FileStatus.TypeCharDevice, null_.Type);
        Assert.Equal((1u, 3u), (LinuxSyscalls.Major(null_.SpecialDevice), LinuxSyscalls.Minor(null_.SpecialDevice)));

        var loop = LinuxSyscalls.LStat(Path.Join(root, "loop"));
        Assert.Equal(FileStatus.TypeBlockDevice, loop.Type);
        Assert.Equal((7u, 0u), (LinuxSyscalls.Major(loop.SpecialDevice), LinuxSyscalls.Minor(loop.SpecialDevice)));
        Assert.Equal(LayerTarBuilder.Octal("660"), loop.Permissions);
    });
}
