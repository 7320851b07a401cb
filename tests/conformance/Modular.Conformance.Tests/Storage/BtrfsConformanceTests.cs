using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// The storage conformance kit against the btrfs plugin, loaded as the daemon loads it, on a real btrfs filesystem.
/// The kit's data-root folder is replaced by a symlink to a fresh folder of the class's btrfs image: a bind mount would
/// leave a mount point under the kit's folder, which the kit rightly takes for a mount the driver leaked. The kit's
/// search for files escaping a layer does not follow that symlink; LayerArchive's refusal is still asserted.
/// </summary>
public sealed class BtrfsConformanceTests(BtrfsLoopFilesystem filesystem) : StorageDriverConformance, IClassFixture<BtrfsLoopFilesystem>
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot)
    {
        if (!LinuxSyscalls.LStat(dataRoot).IsSymlink) // a restarted driver keeps the folder its crashed predecessor had
        {
            Directory.Delete(dataRoot);
            LinuxSyscalls.Symlink(filesystem.NewRoot(), dataRoot);
        }
        return PluginHarness.StorageDriver("Modular.Storage.Btrfs", "btrfs", dataRoot, execRoot);
    }
}
