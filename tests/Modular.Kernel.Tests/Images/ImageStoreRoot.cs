using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Images;
using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Storage.Vfs;

namespace Modular.Kernel.Tests.Images;

/// <summary>
/// A private data-root with a real vfs storage driver and an <see cref="ImageService"/> on it; <see cref="Restart"/>
/// opens a new service (and driver) on the same folders, as a daemon restart does. Everything is deleted on dispose.
/// </summary>
internal sealed class ImageStoreRoot : IDisposable
{
    public ImageStoreRoot()
    {
        var parent = Environment.GetEnvironmentVariable("MODULAR_E2E_TMPDIR") is { Length: > 0 } run ? run : Path.GetTempPath();
        DataRoot = Path.Combine(parent, "images-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataRoot);
        Driver = NewDriver();
        Service = new ImageService(DataRoot, Driver, NullLogger.Instance);
    }

    public string DataRoot { get; }
    public IStorageDriver Driver { get; private set; }
    public ImageService Service { get; private set; }

    public string ImageFolder => Path.Combine(DataRoot, "image", "vfs");

    public void Restart()
    {
        Driver.Cleanup();
        Driver.Dispose();
        Driver = NewDriver();
        Service = new ImageService(DataRoot, Driver, NullLogger.Instance);
    }

    /// <summary>The layer folders the vfs driver holds.</summary>
    public IReadOnlyList<string> DriverLayers() =>
        Directory.EnumerateDirectories(Path.Combine(DataRoot, "vfs", "dir")).Select(Path.GetFileName).OfType<string>().ToArray();

    public IReadOnlyList<string> LayerRecords() =>
        Directory.EnumerateFiles(Path.Combine(ImageFolder, "layerdb", "sha256")).Select(Path.GetFileName).OfType<string>().ToArray();

    /// <summary>Reads a file from the root filesystem of an image's top layer.</summary>
    public string ReadFromImage(string nameOrId, string path)
    {
        var top = Service.Inspect(nameOrId).TopLayerCacheId!;
        var root = Driver.Get(top);
        try
        {
            return File.ReadAllText(Path.Combine(root, path.TrimStart('/')));
        }
        finally
        {
            Driver.Put(top);
        }
    }

    public void Dispose()
    {
        Driver.Cleanup();
        Driver.Dispose();
        Directory.Delete(DataRoot, recursive: true);
    }

    private IStorageDriver NewDriver() => !OperatingSystem.IsLinux()
        ? throw new PlatformNotSupportedException("the vfs driver needs Linux")
        : new VfsStorageDriver(new DriverContext(Path.Combine(DataRoot, "vfs"), Path.Combine(DataRoot, "run"), new Dictionary<string, string>(), new SilentLog()));

    private sealed class SilentLog : IDriverLog
    {
        public void Debug(string message) { }
        public void Info(string message) { }
        public void Warn(string message) { }
        public void Error(string message, Exception? exception = null) { }
    }
}
