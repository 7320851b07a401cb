using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;

namespace Modular.Conformance.Tests.Storage;

/// <summary>The storage conformance kit against the overlay2 plugin, loaded as the daemon loads it.</summary>
public sealed class Overlay2ConformanceTests : StorageDriverConformance
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot) =>
        PluginHarness.StorageDriver("Modular.Storage.Overlay2", "overlay2", dataRoot, execRoot);
}
