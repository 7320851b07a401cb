using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// The storage conformance kit against the btrfs plugin, loaded as the daemon loads it, on a real btrfs filesystem.
/// Each test's data-root is a bind mount of a fresh folder of the class's btrfs image, so the kit still owns, searches
/// and unmounts everything under its temporary folder.
/// </summary>
public sealed class BtrfsConformanceTests(BtrfsLoopFilesystem filesystem) : StorageDriverConformance, IClassFixture<BtrfsLoopFilesystem>
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot)
    {
        LinuxSyscalls.Mount(filesystem.NewRoot(), dataRoot, null, LinuxSyscalls.MountBind, null);
        return PluginHarness.StorageDriver("Modular.Storage.Btrfs", "btrfs", dataRoot, execRoot);
    }
}
