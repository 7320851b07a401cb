using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>
    /// Writing a lower layer's file through a container's mount changes the container's view only: the image layer
    /// keeps its content, Changes reports the file Modified (not Added), and DiffSize counts its new size.
    /// </summary>
    [Fact]
    public void ModifyingALowerFileLeavesTheLowerLayerUnchanged()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.Directory("etc").File("etc/conf", "original").File("etc/other", "other"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root => File.WriteAllText(Path.Join(root, "etc/conf"), "changed by the container"));

        WithMounted(container, root => Assert.Equal("changed by the container", File.ReadAllText(Path.Join(root, "etc/conf"))));
        WithMounted(image, root => Assert.Equal("original", File.ReadAllText(Path.Join(root, "etc/conf"))));
        var changes = Driver.Changes(container, image);
        Assert.Contains(new FileChange("/etc/conf", FileChangeKind.Modified), changes);
        Assert.DoesNotContain(changes, c => c.Path is "/etc/other" || (c.Path == "/etc/conf" && c.Kind != FileChangeKind.Modified));
        Assert.Equal("changed by the container".Length, Driver.DiffSize(container, image));
    }

    /// <summary>
    /// Changing only a mode or only an owner (files and directories, containerd's Chown and
    /// DirectoryPermissionOnCommit) is Modified, keeps the content, leaves the lower layer as it was, and survives a commit.
    /// </summary>
    [Fact]
    public void ModeAndOwnerOnlyChangesAreModifications()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar
            .File("mode-only", "m", mode: "644").File("owner-only", "o", uid: 0, gid: 0)
            .Directory("dir-mode", mode: "755").File("dir-mode/inside", "i").Directory("dir-owner", uid: 1, gid: 1));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            LinuxSyscalls.ChangeMode(Path.Join(root, "mode-only"), LayerTarBuilder.Octal("600"));
            LinuxSyscalls.LChown(Path.Join(root, "owner-only"), 7, 8);
            LinuxSyscalls.ChangeMode(Path.Join(root, "dir-mode"), LayerTarBuilder.Octal("700"));
            LinuxSyscalls.LChown(Path.Join(root, "dir-owner"), 0, 0);
        });

        Assert.Equal(
            new[] { "/dir-mode", "/dir-owner", "/mode-only", "/owner-only" }.Select(p => new FileChange(p, FileChangeKind.Modified)),
            Driver.Changes(container, image).OrderBy(c => c.Path, StringComparer.Ordinal));
        WithMounted(image, root =>
        {
            Assert.Equal(LayerTarBuilder.Octal("644"), LinuxSyscalls.LStat(Path.Join(root, "mode-only")).Permissions);
            Assert.Equal(0u, LinuxSyscalls.LStat(Path.Join(root, "owner-only")).Uid);
            Assert.Equal(LayerTarBuilder.Octal("755"), LinuxSyscalls.LStat(Path.Join(root, "dir-mode")).Permissions);
            Assert.Equal(1u, LinuxSyscalls.LStat(Path.Join(root, "dir-owner")).Uid);
        });
        var committed = CommitToImageLayer(container, image);
        WithMounted(committed, root =>
        {
            Assert.Equal("m", File.ReadAllText(Path.Join(root, "mode-only")));
            Assert.Equal(LayerTarBuilder.Octal("600"), LinuxSyscalls.LStat(Path.Join(root, "mode-only")).Permissions);
            Assert.Equal((7u, 8u), (LinuxSyscalls.LStat(Path.Join(root, "owner-only")).Uid, LinuxSyscalls.LStat(Path.Join(root, "owner-only")).Gid));
            Assert.Equal(LayerTarBuilder.Octal("700"), LinuxSyscalls.LStat(Path.Join(root, "dir-mode")).Permissions);
            Assert.Equal("i", File.ReadAllText(Path.Join(root, "dir-mode/inside")));
            Assert.Equal(0u, LinuxSyscalls.LStat(Path.Join(root, "dir-owner")).Uid);
        });
    }

    /// <summary>
    /// Writing one name of a hard-linked lower file: the lower layer keeps both names linked with the old content; the
    /// container sees the new content under that name, and the other name shows the same inode (link kept) or the old
    /// content (link broken by copy-up, as overlayfs without index does); either way a commit reproduces that view.
    /// </summary>
    [Fact]
    public void HardLinkedLowerFilesCopyUpConsistently()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.Directory("a").File("a/one", "shared").Directory("b").HardLink("b/two", "a/one"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root => File.AppendAllText(Path.Join(root, "a/one"), " and appended"));

        WithMounted(image, root =>
        {
            var one = LinuxSyscalls.LStat(Path.Join(root, "a/one"));
            var two = LinuxSyscalls.LStat(Path.Join(root, "b/two"));
            Assert.Equal(one.Inode, two.Inode);
            Assert.Equal(2UL, one.LinkCount);
            Assert.Equal("shared", File.ReadAllText(Path.Join(root, "b/two")));
        });
        WithMounted(container, root =>
        {
            Assert.Equal("shared and appended", File.ReadAllText(Path.Join(root, "a/one")));
            var stillLinked = LinuxSyscalls.LStat(Path.Join(root, "a/one")).Inode == LinuxSyscalls.LStat(Path.Join(root, "b/two")).Inode;
            Assert.Equal(stillLinked ? "shared and appended" : "shared", File.ReadAllText(Path.Join(root, "b/two")));
        });
        AssertDiffReproducesTheView(container, image);
    }

    /// <summary>
    /// Renaming a directory that comes from a lower layer (with mv's copy fallback where the kernel refuses) and
    /// renaming files over each other (containerd's Rename): the old name is Deleted alone, the new one Added with its
    /// content, the lower layer is untouched, and a commit reproduces the view.
    /// </summary>
    [Fact]
    public void RenamingALowerDirectoryMovesItInTheContainerOnly()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar
            .Directory("dir1").File("dir1/f", "f").Directory("dir1/sub").File("dir1/sub/g", "g")
            .Directory("somefiles").File("somefiles/f1", "was here first!").File("somefiles/f2", "nothing interesting"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        WithMounted(container, root =>
        {
            ContainerFileOperations.Rename(Path.Join(root, "dir1"), Path.Join(root, "dir2"));
            ContainerFileOperations.WriteFile(Path.Join(root, "somefiles/f1-overwrite"), "new content 1");
            ContainerFileOperations.Rename(Path.Join(root, "somefiles/f1-overwrite"), Path.Join(root, "somefiles/f1"));
            ContainerFileOperations.Rename(Path.Join(root, "somefiles/f2"), Path.Join(root, "somefiles/f3"));
        });

        WithMounted(container, root =>
        {
            Assert.False(Directory.Exists(Path.Join(root, "dir1")));
            Assert.Equal("g", File.ReadAllText(Path.Join(root, "dir2/sub/g")));
            Assert.Equal("new content 1", File.ReadAllText(Path.Join(root, "somefiles/f1")));
            Assert.Equal(["f1", "f3"], FileTree.ChildNames(Path.Join(root, "somefiles")));
        });
        WithMounted(image, root =>
        {
            Assert.Equal("g", File.ReadAllText(Path.Join(root, "dir1/sub/g")));
            Assert.False(Directory.Exists(Path.Join(root, "dir2")));
            Assert.Equal("was here first!", File.ReadAllText(Path.Join(root, "somefiles/f1")));
        });
        var changes = Driver.Changes(container, image).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        FileChange[] expected =
        [
            new("/dir1", FileChangeKind.Deleted),
            new("/dir2", FileChangeKind.Added),
            new("/dir2/f", FileChangeKind.Added),
            new("/dir2/sub", FileChangeKind.Added),
            new("/dir2/sub/g", FileChangeKind.Added),
            new("/somefiles", FileChangeKind.Modified),
            new("/somefiles/f1", FileChangeKind.Modified),
            new("/somefiles/f2", FileChangeKind.Deleted),
            new("/somefiles/f3", FileChangeKind.Added),
        ];
        Assert.Equal(expected, changes);
        AssertDiffReproducesTheView(container, image);
    }

    /// <summary>
    /// A read-write layer can be the parent of another, as Docker stacks a container's layer on its <c>-init</c> layer:
    /// the child sees what was written into the parent, and its own writes stay out of the parent.
    /// </summary>
    [Fact]
    public void AReadWriteLayerCanBeTheParentOfAnother()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.Directory("etc").File("etc/motd", "image"));
        var init = NewId();
        Driver.CreateReadWrite(init, image);
        WithMounted(init, root =>
        {
            ContainerFileOperations.WriteFile(Path.Join(root, "etc/hostname"), "init");
            ContainerFileOperations.MakeDirectory(Path.Join(root, "a subdir"), LayerTarBuilder.Octal("1705"));
            LinuxSyscalls.LChown(Path.Join(root, "a subdir"), 1, 2);
            ContainerFileOperations.WriteFile(Path.Join(root, "a file"), "Some data", LayerTarBuilder.Octal("4222"));
        });
        var container = NewId();
        Driver.CreateReadWrite(container, init);
        WithMounted(container, root =>
        {
            Assert.Equal("init", File.ReadAllText(Path.Join(root, "etc/hostname")));
            Assert.Equal("image", File.ReadAllText(Path.Join(root, "etc/motd")));
            var subdir = LinuxSyscalls.LStat(Path.Join(root, "a subdir"));
            Assert.Equal((LayerTarBuilder.Octal("1705"), 1u, 2u), (subdir.Permissions, subdir.Uid, subdir.Gid));
            Assert.Equal(LayerTarBuilder.Octal("4222"), LinuxSyscalls.LStat(Path.Join(root, "a file")).Permissions);
            File.WriteAllText(Path.Join(root, "etc/hostname"), "container");
        });
        WithMounted(init, root => Assert.Equal("init", File.ReadAllText(Path.Join(root, "etc/hostname"))));
        Assert.Equal([new FileChange("/etc/hostname", FileChangeKind.Modified)], Driver.Changes(container, init));
    }
}
