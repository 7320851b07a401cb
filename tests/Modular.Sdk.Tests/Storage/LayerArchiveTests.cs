using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

public sealed class LayerArchiveTests : IDisposable
{
    private readonly TemporaryTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void DeleteModeRemovesWhitedOutFilesAndDirectories()
    {
        Apply(new LayerTarBuilder().Directory("a").File("a/keep", "k").File("a/gone", "g").Directory("dir").File("dir/x", "x"));
        Apply(new LayerTarBuilder().Whiteout("a/gone").Whiteout("dir"));

        Assert.True(File.Exists(_tree.At("a/keep")));
        Assert.False(File.Exists(_tree.At("a/gone")));
        Assert.False(Directory.Exists(_tree.At("dir")));
        Assert.False(File.Exists(_tree.At("a/.wh.gone")));
    }

    [Fact]
    public void DeleteModeOpaqueDirectoryKeepsOnlyWhatTheLayerWrote()
    {
        Apply(new LayerTarBuilder().Directory("d").File("d/old", "o").Directory("d/sub").File("d/sub/old", "o"));
        // The layer's own entries may come before or after the marker; both survive it.
        Apply(new LayerTarBuilder().Directory("d").File("d/before", "b").Opaque("d").File("d/after", "a"));

        Assert.Equal(["after", "before"], FileTree.ChildNames(_tree.At("d")));
    }

    [Fact]
    public void WhiteoutOfAPathTheSameLayerWritesKeepsTheNewEntry()
    {
        Apply(new LayerTarBuilder().File("f", "old"));
        Apply(new LayerTarBuilder().File("f", "new").Whiteout("f"));

        Assert.Equal("new", File.ReadAllText(_tree.At("f")));
    }

    [Fact]
    public void OverlayModeWritesCharDeviceWhiteoutsAndOpaqueXattrs()
    {
        TemporaryTree.RequireRoot();
        Apply(new LayerTarBuilder().Whiteout("gone").Directory("d").Opaque("d").File("d/new", "n").Whiteout("missing/parent/x"),
            WhiteoutMode.OverlayNative);

        var whiteout = TemporaryTree.Stat(_tree.At("gone"));
        Assert.True(whiteout.IsOverlayWhiteout);
        Assert.True(TemporaryTree.Stat(_tree.At("missing/parent/x")).IsOverlayWhiteout);
        Assert.Equal("y"u8.ToArray(), LinuxSyscalls.GetXattr(_tree.At("d"), Whiteouts.OverlayOpaqueXattr));
        Assert.Equal(["new"], FileTree.ChildNames(_tree.At("d")));
    }

    [Fact]
    public void OverlayModeIgnoresOverlayXattrsCarriedByTheTar()
    {
        TemporaryTree.RequireRoot();
        Apply(new LayerTarBuilder().Directory("d", xattrs: new Dictionary<string, string> { ["trusted.overlay.redirect"] = "/etc" }),
            WhiteoutMode.OverlayNative);

        Assert.Null(LinuxSyscalls.GetXattr(_tree.At("d"), "trusted.overlay.redirect"));
    }

    [Fact]
    public void OwnershipModesTimesAndXattrsAreKept()
    {
        TemporaryTree.RequireRoot();
        var directoryTime = new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var fileTime = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Apply(new LayerTarBuilder()
            .Directory("tmp", mode: "1777", uid: 7, gid: 8, time: directoryTime)
            .File("tmp/suid", "x", mode: "6755", uid: 9, gid: 10, time: fileTime,
                xattrs: new Dictionary<string, string> { ["user.origin"] = "tar" })
            .Symlink("tmp/link", "suid", uid: 11, gid: 12, time: fileTime));

        var directory = TemporaryTree.Stat(_tree.At("tmp"));
        Assert.Equal(LayerTarBuilder.Octal("1777"), directory.Permissions);
        Assert.Equal((7u, 8u), (directory.Uid, directory.Gid));
        Assert.Equal(directoryTime.ToUnixTimeSeconds(), directory.ModificationTime.Seconds); // set after its content
        var file = TemporaryTree.Stat(_tree.At("tmp/suid"));
        Assert.Equal(LayerTarBuilder.Octal("6755"), file.Permissions);
        Assert.Equal((9u, 10u), (file.Uid, file.Gid));
        Assert.Equal(fileTime.ToUnixTimeSeconds(), file.ModificationTime.Seconds);
        Assert.Equal("tar"u8.ToArray(), LinuxSyscalls.GetXattr(_tree.At("tmp/suid"), "user.origin"));
        var link = TemporaryTree.Stat(_tree.At("tmp/link"));
        Assert.Equal((11u, 12u), (link.Uid, link.Gid));
        Assert.Equal(fileTime.ToUnixTimeSeconds(), link.ModificationTime.Seconds);
    }

    [Fact]
    public void HardLinksDevicesAndFifosAreCreated()
    {
        TemporaryTree.RequireRoot();
        Apply(new LayerTarBuilder().File("f", "data").HardLink("g", "f").CharDevice("zero", 1, 5).BlockDevice("sda", 8, 0).Fifo("pipe"));

        Assert.Equal(TemporaryTree.Stat(_tree.At("f")).Inode, TemporaryTree.Stat(_tree.At("g")).Inode);
        var zero = TemporaryTree.Stat(_tree.At("zero"));
        Assert.Equal((FileStatus.TypeCharDevice, 1u, 5u), (zero.Type, LinuxSyscalls.Major(zero.SpecialDevice), LinuxSyscalls.Minor(zero.SpecialDevice)));
        Assert.Equal(FileStatus.TypeBlockDevice, TemporaryTree.Stat(_tree.At("sda")).Type);
        Assert.Equal(FileStatus.TypeFifo, TemporaryTree.Stat(_tree.At("pipe")).Type);
    }

    [Fact]
    public void AppliedSizeIsTheBytesOfRegularFiles()
    {
        var size = Apply(new LayerTarBuilder().Directory("d").File("d/a", "12345").File("b", "678").Symlink("s", "b").HardLink("h", "b"));

        Assert.Equal(8, size);
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("a/../../escaped")]
    [InlineData("/escaped")]
    public void NamesOutsideTheRootAreRefused(string name)
    {
        var error = Assert.Throws<DriverException>(() => Apply(new LayerTarBuilder().File(name, "x")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        AssertOutsideUntouched();
    }

    [Fact]
    public void DotDotThatStaysInsideIsAccepted()
    {
        Apply(new LayerTarBuilder().Directory("a").File("a/../inside", "x"));

        Assert.True(File.Exists(_tree.At("inside")));
    }

    [Fact]
    public void WritingThroughASymlinkThatLeavesTheRootIsRefused()
    {
        var error = Assert.Throws<DriverException>(() =>
            Apply(new LayerTarBuilder().Symlink("up", "../outside").File("up/escaped", "x")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        AssertOutsideUntouched();
    }

    [Fact]
    public void AbsoluteSymlinkParentsResolveInsideTheRoot()
    {
        Apply(new LayerTarBuilder().Directory("real").Symlink("alias", "/real").File("alias/f", "x"));

        Assert.Equal("x", File.ReadAllText(_tree.At("real/f")));
    }

    [Fact]
    public void AnExistingSymlinkAtTheEntrysPathIsReplacedNotFollowed()
    {
        var victim = Path.Join(_tree.Outside, "victim");
        File.WriteAllText(victim, "original");
        LinuxSyscalls.Symlink(victim, _tree.At("f"));

        Apply(new LayerTarBuilder().File("f", "layer content"));

        Assert.Equal("original", File.ReadAllText(victim));
        Assert.True(TemporaryTree.Stat(_tree.At("f")).IsRegularFile);
    }

    [Fact]
    public void HardLinksToTargetsOutsideTheRootAreRefused()
    {
        File.WriteAllText(Path.Join(_tree.Outside, "secret"), "s");

        var error = Assert.Throws<DriverException>(() => Apply(new LayerTarBuilder().HardLink("stolen", "../outside/secret")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.False(File.Exists(_tree.At("stolen")));
        Assert.Equal(1UL, TemporaryTree.Stat(Path.Join(_tree.Outside, "secret")).LinkCount);
    }

    [Fact]
    public void HardLinksThroughSymlinksLeavingTheRootAreRefused()
    {
        File.WriteAllText(Path.Join(_tree.Outside, "secret"), "s");

        var error = Assert.Throws<DriverException>(() =>
            Apply(new LayerTarBuilder().Symlink("up", "..").HardLink("stolen", "up/outside/secret")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(1UL, TemporaryTree.Stat(Path.Join(_tree.Outside, "secret")).LinkCount);
    }

    private long Apply(LayerTarBuilder tar, WhiteoutMode mode = WhiteoutMode.DeletePaths)
    {
        using var stream = tar.Build();
        return LayerArchive.Apply(stream, _tree.Root, mode);
    }

    private void AssertOutsideUntouched()
    {
        Assert.DoesNotContain(FileTree.ChildNames(_tree.Outside), n => n != "victim" && n != "secret");
        Assert.Equal(["outside", "root"], FileTree.ChildNames(_tree.Folder));
    }
}
