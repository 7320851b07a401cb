using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;

namespace Modular.Conformance.Tests.Storage;

/// <summary>The storage conformance kit against the vfs plugin, loaded as the daemon loads it.</summary>
public sealed class VfsConformanceTests : StorageDriverConformance
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot) =>
        PluginHarness.StorageDriver("Modular.Storage.Vfs", "vfs", dataRoot, execRoot);
}
