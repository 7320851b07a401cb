using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>
/// The storage driver contract as tests. A driver author subclasses this once and implements <see cref="CreateDriver"/>;
/// every test then runs against a fresh driver on its own temporary folders, removed afterwards (mounts first) even
/// when the test fails. Tests read <see cref="IStorageDriver.Capabilities"/>, never the driver's name, and skip only
/// when a prerequisite is missing (not root, or the driver reports itself unsupported on this host).
/// </summary>
public abstract partial class StorageDriverConformance : IDisposable
{
    private readonly string _temp;
    private IStorageDriver? _driver;

    /// <summary>Makes the test's temporary folder.</summary>
    protected StorageDriverConformance()
    {
        _temp = System.IO.Directory.CreateTempSubdirectory("modular-storage-").FullName;
    }

    /// <summary>Creates the driver under test on fresh, existing folders.</summary>
    /// <param name="dataRoot">Persistent state, as the daemon's data-root.</param>
    /// <param name="execRoot">State that must not survive a reboot, as the daemon's exec-root.</param>
    protected abstract IStorageDriver CreateDriver(string dataRoot, string execRoot);

    /// <summary>The driver under test, created on first use.</summary>
    protected IStorageDriver Driver => _driver ??= StartDriver();

    /// <summary>The test's temporary folder, which holds the driver's roots.</summary>
    protected string TemporaryFolder => _temp;

    /// <summary>Cleans the driver up, unmounts anything left under the temporary folder and deletes it.</summary>
    public void Dispose()
    {
        try
        {
            if (_driver is not null)
            {
                _driver.Cleanup();
                _driver.Dispose();
            }
        }
        finally
        {
            foreach (var mountPoint in MountTable.MountPointsUnder(_temp))
            {
                LinuxSyscalls.Unmount(mountPoint);
            }
            FileTree.RemoveAll(_temp);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Skips the test unless it runs as root, which ownership, device nodes and mounts need.</summary>
    protected static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: layers keep file ownership and device nodes, and mounting needs CAP_SYS_ADMIN");
        }
    }

    /// <summary>A fresh layer id.</summary>
    protected static string NewId() => "layer" + Guid.NewGuid().ToString("N");

    /// <summary>Creates an image layer on <paramref name="parent"/> and fills it with the tar <paramref name="build"/> makes.</summary>
    protected string CreateImageLayer(string? parent, Action<LayerTarBuilder> build)
    {
        var id = NewId();
        Driver.Create(id, parent);
        var tar = new LayerTarBuilder();
        build(tar);
        using var stream = tar.Build();
        Driver.ApplyDiff(id, parent, stream);
        return id;
    }

    /// <summary>Runs <paramref name="action"/> on the mounted root of <paramref name="id"/> and puts it back.</summary>
    protected void WithMounted(string id, Action<string> action)
    {
        var root = Driver.Get(id);
        try
        {
            action(root);
        }
        finally
        {
            Driver.Put(id);
        }
    }

    /// <summary>
    /// Abandons the driver under test as a crashed daemon would (no Put, no Cleanup, no Dispose) and starts a new
    /// instance on the same folders, which from then on is <see cref="Driver"/>.
    /// </summary>
    protected IStorageDriver RestartDriverAfterCrash()
    {
        _ = Driver;
        _driver = StartDriver();
        return _driver;
    }

    /// <summary>Applies the diff tar of <paramref name="layer"/> onto a new image layer on <paramref name="parent"/>, as docker commit does.</summary>
    protected string CommitToImageLayer(string layer, string? parent)
    {
        var image = NewId();
        Driver.Create(image, parent);
        using var diff = Driver.Diff(layer, parent);
        Driver.ApplyDiff(image, parent, diff);
        return image;
    }

    /// <summary>Asserts that <paramref name="action"/> fails with a <see cref="DriverException"/> of <paramref name="kind"/>.</summary>
    protected static DriverException AssertFails(DriverErrorKind kind, Action action)
    {
        var exception = Assert.ThrowsAny<DriverException>(action);
        Assert.True(exception.Kind == kind, $"expected {kind}, got {exception.Kind}: {exception.Message}");
        return exception;
    }

    private IStorageDriver StartDriver()
    {
        var dataRoot = System.IO.Directory.CreateDirectory(Path.Join(_temp, "data")).FullName;
        var execRoot = System.IO.Directory.CreateDirectory(Path.Join(_temp, "exec")).FullName;
        try
        {
            return CreateDriver(dataRoot, execRoot);
        }
        catch (DriverException e) when (e.Kind == DriverErrorKind.NotSupported)
        {
            Assert.Skip($"the driver does not work on this host: {e.Message}");
            throw;
        }
    }
}
