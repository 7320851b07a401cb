using Modular.Sdk;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>The zfs plugin, loaded as the daemon loads it, refuses hosts it cannot work on with the precise reason.</summary>
public sealed class ZfsStartupTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("modular-zfs-start-").FullName;

    public void Dispose() => FileTree.RemoveAll(_temp);

    [Fact]
    public void WithoutTheKernelModuleTheDriverIsNotSupportedAndSaysWhy()
    {
        if (File.Exists("/dev/zfs") || Directory.Exists("/sys/module/zfs"))
        {
            Assert.Skip("this host has the zfs kernel module; the refusal needs a host without it");
        }
        var failure = Assert.ThrowsAny<DriverException>(() => Start(new Dictionary<string, string>()));
        Assert.Equal(DriverErrorKind.NotSupported, failure.Kind);
        Assert.Equal("the zfs kernel module is not loaded (/dev/zfs is missing)", failure.Message);

        // Naming a dataset does not get around the missing module.
        failure = Assert.ThrowsAny<DriverException>(() => Start(new Dictionary<string, string> { ["zfs.fsname"] = "tank/docker" }));
        Assert.Equal(DriverErrorKind.NotSupported, failure.Kind);
    }

    private IStorageDriver Start(IReadOnlyDictionary<string, string> options)
    {
        var dataRoot = Directory.CreateDirectory(Path.Join(_temp, "data")).FullName;
        var execRoot = Directory.CreateDirectory(Path.Join(_temp, "exec")).FullName;
        var catalog = PluginHarness.Catalog("Modular.Storage.Zfs", dataRoot, execRoot);
        catalog.DriverOptions["zfs"] = options;
        return catalog.Storage("zfs");
    }
}
