using System.Security.Cryptography;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Build;

/// <summary>
/// A writable layer on an image's top layer, mounted, for the steps that write files without running anything
/// (COPY, ADD, WORKDIR) and for reading another image's files (COPY --from). Committed through the image service's
/// diff of it, then removed.
/// </summary>
public sealed class LayerWorkspace : IDisposable
{
    private readonly IStorageDriver _storage;
    private bool _mounted;

    private LayerWorkspace(IStorageDriver storage, string id, string rootfs)
    {
        _storage = storage;
        Id = id;
        Rootfs = rootfs;
        _mounted = true;
    }

    /// <summary>The storage driver's id of the writable layer.</summary>
    public string Id { get; }

    /// <summary>Where the layer is mounted on the host.</summary>
    public string Rootfs { get; }

    public static LayerWorkspace Create(IStorageDriver storage, string? parentCacheId)
    {
        var id = "build-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        storage.CreateReadWrite(id, parentCacheId);
        try
        {
            return new LayerWorkspace(storage, id, storage.Get(id));
        }
        catch
        {
            storage.Remove(id);
            throw;
        }
    }

    /// <summary>Unmounts the layer so its diff can be read.</summary>
    public void Unmount()
    {
        if (_mounted)
        {
            _mounted = false;
            _storage.Put(Id);
        }
    }

    public void Dispose()
    {
        Unmount();
        if (_storage.Exists(Id))
        {
            _storage.Remove(Id);
        }
    }
}
