using Modular.Kernel.Configuration;

namespace Modular.Daemon;

/// <summary>
/// An exclusive lock on the data-root, held for the daemon's life: a second daemon on the same data-root refuses to
/// start. The kernel releases it when the process dies, however it dies, so a killed daemon never blocks the next one.
/// </summary>
internal sealed class DataRootLock : IDisposable
{
    private readonly FileStream _lock;

    private DataRootLock(FileStream lockFile) => _lock = lockFile;

    public static DataRootLock Acquire(string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, "modulard.lock");
        try
        {
            // On Linux, FileShare.None takes an flock(LOCK_EX | LOCK_NB) on the file.
            return new DataRootLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new ConfigurationException($"another modulard is already running on data-root {dataRoot}");
        }
    }

    public void Dispose() => _lock.Dispose();
}
