using Modular.Kernel.Tests.Containers;
using Modular.Kernel.Volumes;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

public sealed class VolumeCopyUpTests : IDisposable
{
    private readonly TempFolder _root = new("copyup");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void AnEmptyVolumeReceivesTheImageContentWithOwnershipLinksAndModes()
    {
        var image = _root.Combine("image");
        var volume = _root.Combine("volume");
        Directory.CreateDirectory(volume);
        _root.Write("image/dir/file", "content");
        LinuxSyscalls.LChown(_root.Combine("image/dir/file"), 1234, 5678);
        LinuxSyscalls.ChangeMode(image, Convert.ToUInt32("1777", 8));
        LinuxSyscalls.HardLink(_root.Combine("image/dir/file"), _root.Combine("image/hard"));
        LinuxSyscalls.Symlink("/etc/passwd", _root.Combine("image/link"));

        var copied = VolumeCopyUp.CopyIfEmpty(image, volume);

        Assert.True(copied);
        Assert.Equal("content", File.ReadAllText(Path.Combine(volume, "dir", "file")));
        var file = LinuxSyscalls.LStat(Path.Combine(volume, "dir", "file"));
        Assert.Equal((1234u, 5678u), (file.Uid, file.Gid));
        Assert.Equal(file.Inode, LinuxSyscalls.LStat(Path.Combine(volume, "hard")).Inode);
        Assert.Equal("/etc/passwd", LinuxSyscalls.ReadLink(Path.Combine(volume, "link")));
        Assert.Equal(Convert.ToUInt32("1777", 8), LinuxSyscalls.LStat(volume).Permissions);
    }

    [Fact]
    public void AVolumeWithDataIsNeverOverwritten()
    {
        _root.Write("image/file", "from image");
        _root.Write("volume/file", "mine");

        var copied = VolumeCopyUp.CopyIfEmpty(_root.Combine("image"), _root.Combine("volume"));

        Assert.False(copied);
        Assert.Equal("mine", File.ReadAllText(_root.Combine("volume", "file")));
    }

    [Fact]
    public void NothingIsCopiedFromAPathTheImageDoesNotHave()
    {
        Directory.CreateDirectory(_root.Combine("volume"));

        Assert.False(VolumeCopyUp.CopyIfEmpty(_root.Combine("absent"), _root.Combine("volume")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Combine("volume")));
    }
}
