using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

public sealed class TreeCopyTests : IDisposable
{
    private readonly TemporaryTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void ACopyKeepsTheRootsModeAndASocketUnlessToldToSkipIt()
    {
        LinuxSyscalls.ChangeMode(_tree.Root, Convert.ToUInt32("1777", 8));
        // mknod, not a bound socket: .NET unlinks a socket's path when the socket is closed.
        LinuxSyscalls.MakeNode(_tree.At("listener.sock"), FileStatus.TypeSocket | Convert.ToUInt32("644", 8), 0);
        var exact = Path.Join(_tree.Folder, "exact");
        var withoutSockets = Path.Join(_tree.Folder, "without-sockets");

        TreeCopy.Copy(_tree.Root, exact, TreeCopyOptions.None);
        TreeCopy.Copy(_tree.Root, withoutSockets, TreeCopyOptions.SkipSockets);

        Assert.Equal(Convert.ToUInt32("1777", 8), TemporaryTree.Stat(exact).Permissions);
        Assert.Equal(FileStatus.TypeSocket, TemporaryTree.Stat(Path.Join(exact, "listener.sock")).Type);
        Assert.False(LinuxSyscalls.TryLStat(Path.Join(withoutSockets, "listener.sock"), out _));
    }

    [Fact]
    public void CopyContentsLeavesTheDestinationRootAsItWasButKeepsDirectoryTimesBelowIt()
    {
        Directory.CreateDirectory(_tree.At("dir"));
        File.WriteAllText(_tree.At("dir/file"), "content");
        var past = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        Directory.SetLastWriteTimeUtc(_tree.At("dir"), past);
        LinuxSyscalls.ChangeMode(_tree.Root, Convert.ToUInt32("700", 8));
        var destination = Directory.CreateDirectory(Path.Join(_tree.Folder, "destination")).FullName;
        LinuxSyscalls.ChangeMode(destination, Convert.ToUInt32("755", 8));

        TreeCopy.CopyContents(_tree.Root, destination, TreeCopyOptions.None);

        Assert.Equal(Convert.ToUInt32("755", 8), TemporaryTree.Stat(destination).Permissions);
        Assert.Equal("content", File.ReadAllText(Path.Join(destination, "dir", "file")));
        Assert.Equal(past, Directory.GetLastWriteTimeUtc(Path.Join(destination, "dir")));
    }
}
