using Modular.Sdk;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// overlay2 size limits through project quotas, on real filesystems: an xfs image mounted with <c>prjquota</c>, the
/// same without it, and the machine's own ext4. Option validation happens when the driver starts.
/// </summary>
public sealed class Overlay2QuotaTests : IDisposable
{
    private const string QuotaRefusal = "--storage-opt is supported only for overlay over xfs with 'pquota' mount option";
    private const int HundredMegabytes = 100 * 1000 * 1000;

    private readonly string _temp = Directory.CreateTempSubdirectory("modular-overlay2-quota-").FullName;
    private readonly Overlay2Harness _harness = new();
    private readonly List<Overlay2XfsVolume> _volumes = new();

    public void Dispose()
    {
        try
        {
            _harness.Dispose();
        }
        finally
        {
            foreach (var volume in _volumes)
            {
                volume.Dispose();
            }
            FileTree.RemoveAll(_temp);
        }
    }

    [Fact]
    public void ALayerLimitedTo64MCannotHold100MBAndAnUnlimitedOneCan()
    {
        RequireRoot();
        var volume = Volume("prjquota");
        var driver = _harness.Start(volume.NewFolder("driver"));
        Assert.True(driver.Capabilities.Quotas);

        var image = NewId();
        driver.Create(image, null); // a parent, so the container is written through a real overlay mount

        var limited = NewId();
        driver.CreateReadWrite(limited, image, new Dictionary<string, string> { ["size"] = "64M" });
        var failure = Assert.ThrowsAny<IOException>(() => WriteFile(driver, limited, HundredMegabytes));
        Assert.Contains("quota", failure.Message, StringComparison.OrdinalIgnoreCase);

        var unlimited = NewId();
        driver.CreateReadWrite(unlimited, image);
        WriteFile(driver, unlimited, HundredMegabytes);
        Assert.Equal(HundredMegabytes, driver.DiffSize(unlimited, image));
    }

    [Fact]
    public void TheDriverDefaultSizeLimitsEveryContainerLayerAndAContainerSizeOverridesIt()
    {
        RequireRoot();
        var volume = Volume("prjquota");
        var driver = _harness.Start(volume.NewFolder("driver"), new Dictionary<string, string> { ["overlay2.size"] = "64M" });

        var image = NewId();
        driver.Create(image, null);

        var byDefault = NewId();
        driver.CreateReadWrite(byDefault, image);
        Assert.ThrowsAny<IOException>(() => WriteFile(driver, byDefault, HundredMegabytes));

        var larger = NewId();
        driver.CreateReadWrite(larger, image, new Dictionary<string, string> { ["size"] = "200M" });
        WriteFile(driver, larger, HundredMegabytes);
    }

    [Fact]
    public void ASizeOnExt4IsRefusedWithDockersMessage()
    {
        RequireRoot();
        Assert.Equal(0xEF53, Modular.Sdk.Syscalls.LinuxSyscalls.FilesystemMagic(_temp));
        var driver = _harness.Start(_temp);
        Assert.False(driver.Capabilities.Quotas);
        var id = NewId();
        var refusal = AssertFails(DriverErrorKind.InvalidArgument,
            () => driver.CreateReadWrite(id, null, new Dictionary<string, string> { ["size"] = "64M" }));
        Assert.Equal(QuotaRefusal, refusal.Message);
        Assert.False(driver.Exists(id));
        driver.CreateReadWrite(id, null, new Dictionary<string, string>());
        Assert.True(driver.Exists(id));
    }

    [Fact]
    public void ASizeOnXfsMountedWithoutProjectQuotasIsRefused()
    {
        RequireRoot();
        var volume = Volume("");
        var driver = _harness.Start(volume.NewFolder("driver"));
        Assert.Equal("xfs", driver.Status.Single(s => s.Key == "Backing Filesystem").Value);
        var refusal = AssertFails(DriverErrorKind.InvalidArgument,
            () => driver.CreateReadWrite(NewId(), null, new Dictionary<string, string> { ["size"] = "64M" }));
        Assert.Equal(QuotaRefusal, refusal.Message);
    }

    [Fact]
    public void TheOverlay2SizeOptionOnAFilesystemWithoutProjectQuotasStopsTheDriver()
    {
        RequireRoot();
        var refusal = AssertFails(DriverErrorKind.InvalidArgument,
            () => _harness.Start(_temp, new Dictionary<string, string> { ["overlay2.size"] = "10G" }));
        Assert.StartsWith("Storage option overlay2.size not supported. Filesystem does not support Project Quota: ", refusal.Message);
    }

    [Theory]
    [InlineData("overlay2.sise", "10G", "overlay2.sise")]
    [InlineData("btrfs.min_space", "1G", "btrfs.min_space")]
    [InlineData("overlay2.size", "ten gigabytes", "overlay2.size")]
    [InlineData("overlay2.size", "-1", "overlay2.size")]
    [InlineData("overlay2.override_kernel_check", "maybe", "overlay2.override_kernel_check")]
    public void InvalidDriverOptionsStopTheDriverNamingTheOption(string key, string value, string named)
    {
        RequireRoot();
        var refusal = AssertFails(DriverErrorKind.InvalidArgument,
            () => _harness.Start(_temp, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(named, refusal.Message);
    }

    [Fact]
    public void DockersOverrideKernelCheckOptionIsAccepted()
    {
        RequireRoot();
        var driver = _harness.Start(_temp, new Dictionary<string, string> { ["overlay2.override_kernel_check"] = "true" });
        Assert.Equal("overlay2", driver.Name);
    }

    [Theory]
    [InlineData("sise", "64M", "Unknown option sise")]
    [InlineData("size", "64 apples", "size")]
    public void InvalidContainerStorageOptionsAreRefused(string key, string value, string named)
    {
        RequireRoot();
        var driver = _harness.Start(_temp);
        var id = NewId();
        var refusal = AssertFails(DriverErrorKind.InvalidArgument,
            () => driver.CreateReadWrite(id, null, new Dictionary<string, string> { [key] = value }));
        Assert.Contains(named, refusal.Message);
        Assert.False(driver.Exists(id));
    }

    private Overlay2XfsVolume Volume(string mountOptions)
    {
        var volume = new Overlay2XfsVolume(mountOptions);
        _volumes.Add(volume);
        if (volume.MountFailure is { } reason)
        {
            Assert.Skip(reason);
        }
        return volume;
    }

    private static void WriteFile(IStorageDriver driver, string id, int bytes)
    {
        var root = driver.Get(id);
        try
        {
            var chunk = new byte[1 << 20];
            Random.Shared.NextBytes(chunk);
            using var file = new FileStream(Path.Join(root, "big"), FileMode.CreateNew, FileAccess.Write);
            for (var written = 0; written < bytes; written += chunk.Length)
            {
                file.Write(chunk, 0, Math.Min(chunk.Length, bytes - written));
            }
            file.Flush(flushToDisk: true);
        }
        finally
        {
            driver.Put(id);
        }
    }

    private static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: loop devices, mounts and overlayfs");
        }
    }

    private static string NewId() => "layer" + Guid.NewGuid().ToString("N");

    private static DriverException AssertFails(DriverErrorKind kind, Action action)
    {
        var exception = Assert.ThrowsAny<DriverException>(action);
        Assert.True(exception.Kind == kind, $"expected {kind}, got {exception.Kind}: {exception.Message}");
        return exception;
    }
}
