using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Containers.Archive;

/// <summary>
/// A reference on a container's mounted root filesystem, running or not: the storage driver's Get, released with one
/// Put. For a running container Get only counts another user of the mount the container already has.
/// </summary>
public sealed class ContainerRootfsLease : IDisposable
{
    private readonly IStorageDriver _storage;
    private readonly string _layerId;
    private bool _released;

    private ContainerRootfsLease(IStorageDriver storage, string layerId, string path)
    {
        _storage = storage;
        _layerId = layerId;
        Path = path;
    }

    /// <summary>The host path of the mounted root filesystem.</summary>
    public string Path { get; }

    /// <summary>Mounts under the container's lock, so a removal in progress cannot slip in between the lookup and the mount.</summary>
    public static async Task<ContainerRootfsLease> AcquireAsync(ContainerService containers, Container container, CancellationToken cancellationToken)
    {
        var handle = containers.HandleOf(container);
        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (container.State.Status == ContainerStatus.Removing || !containers.Store.All.Contains(container))
            {
                throw DriverException.Conflict($"container {container.Name} is marked for removal and cannot be accessed");
            }
            var storage = containers.Drivers.Storage(container.StorageDriver);
            return new ContainerRootfsLease(storage, container.LayerId, storage.Get(container.LayerId));
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        if (_storage.Exists(_layerId))
        {
            _storage.Put(_layerId);
        }
    }
}
