using Modular.Sdk.Syscalls;
using Modular.Sdk.Tests.Storage;
using Xunit;

namespace Modular.Sdk.Tests.Syscalls;

/// <summary>IsMountPoint answers as the mount table does: mounted, not mounted, gone, and through a trailing slash.</summary>
public sealed class MountTableTests : IDisposable
{
    private readonly TemporaryTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void A_folder_is_a_mount_point_exactly_while_something_is_mounted_on_it()
    {
        TemporaryTree.RequireRoot();
        var folder = Directory.CreateDirectory(_tree.At("mounted")).FullName;
        var inside = Directory.CreateDirectory(_tree.At("mounted-inside")).FullName;

        Assert.False(MountTable.IsMountPoint(folder));
        LinuxSyscalls.Mount("tmpfs", folder, "tmpfs", 0, "size=1m");
        try
        {
            Directory.CreateDirectory(Path.Join(folder, "sub"));
            Assert.True(MountTable.IsMountPoint(folder));
            Assert.True(MountTable.IsMountPoint(folder + "/"));
            Assert.Contains(folder, MountTable.MountPoints());
            Assert.False(MountTable.IsMountPoint(Path.Join(folder, "sub")));
            Assert.False(MountTable.IsMountPoint(inside));
        }
        finally
        {
            LinuxSyscalls.Unmount(folder);
        }
        Assert.False(MountTable.IsMountPoint(folder));
    }

    [Fact]
    public void The_root_and_proc_are_mount_points_and_a_missing_path_is_not()
    {
        Assert.True(MountTable.IsMountPoint("/"));
        Assert.True(MountTable.IsMountPoint("/proc"));
        Assert.False(MountTable.IsMountPoint(_tree.At("never-made")));
        Assert.False(MountTable.IsMountPoint(_tree.At("never-made/below")));
    }
}
