using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// overlay2 plugin instances on folders a test chooses, with driver options, loaded through the real plugin loader.
/// Disposing cleans every driver up and unmounts what is left under the roots, even after a failed test.
/// </summary>
public sealed class Overlay2Harness : IDisposable
{
    private readonly List<(IStorageDriver Driver, string Root)> _drivers = new();
    private readonly List<string> _roots = new();

    /// <summary>Starts overlay2 with its data-root in <paramref name="folder"/> and the given driver options.</summary>
    public IStorageDriver Start(string folder, IReadOnlyDictionary<string, string>? options = null)
    {
        var dataRoot = Directory.CreateDirectory(Path.Join(folder, "data")).FullName;
        var execRoot = Directory.CreateDirectory(Path.Join(folder, "exec")).FullName;
        _roots.Add(folder);
        var catalog = PluginHarness.Catalog("Modular.Storage.Overlay2", dataRoot, execRoot);
        catalog.DriverOptions["overlay2"] = options ?? new Dictionary<string, string>();
        var driver = catalog.Storage("overlay2");
        _drivers.Add((driver, folder));
        return driver;
    }

    public void Dispose()
    {
        try
        {
            foreach (var (driver, _) in _drivers)
            {
                driver.Cleanup();
                driver.Dispose();
            }
        }
        finally
        {
            foreach (var root in _roots)
            {
                foreach (var mountPoint in MountTable.MountPointsUnder(root))
                {
                    LinuxSyscalls.Unmount(mountPoint);
                }
            }
        }
    }
}
