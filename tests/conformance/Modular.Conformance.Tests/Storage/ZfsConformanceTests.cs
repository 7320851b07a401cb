using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// The storage conformance kit against the zfs plugin, loaded as the daemon loads it. It roots the driver in the kit's
/// temporary folder, so it runs only where that folder is on a zfs dataset; elsewhere the driver refuses to start with
/// NotSupported and its reason (e.g. no zfs kernel module), and the kit reports every test skipped with that reason.
/// </summary>
public sealed class ZfsConformanceTests : StorageDriverConformance
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot) =>
        PluginHarness.StorageDriver("Modular.Storage.Zfs", "zfs", dataRoot, execRoot);
}
