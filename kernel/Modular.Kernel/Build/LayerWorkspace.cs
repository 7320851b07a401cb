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
    private readonly BuildJournal _journal;
    private bool _mounted;

    private LayerWorkspace(IStorageDriver storage, BuildJournal journal, string id, string rootfs)
    {
        _storage = storage;
        _journal = journal;
        Id = id;
        Rootfs = rootfs;
        _mounted = true;
    }

    /// <summary>The storage driver's id of the writable layer.</summary>
    public string Id { get; }

    /// <summary>Where the layer is mounted on the host.</summary>
    public string Rootfs { get; }

    public static LayerWorkspace Create(IStorageDriver storage, BuildJournal journal, string? parentCacheId)
    {
        var id = "build-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        journal.RecordLayer(id);
        try
        {
            storage.CreateReadWrite(id, parentCacheId);
            return new LayerWorkspace(storage, journal, id, storage.Get(id));
        }
        catch
        {
            Remove(storage, journal, id);
            throw;
        }
    }

    /// <summary>Removes a workspace layer (mounted or not) and its journal marker; also used for a dead build's leftovers.</summary>
    public static void Remove(IStorageDriver storage, BuildJournal journal, string id)
    {
        if (storage.Exists(id))
        {
            storage.Remove(id);
        }
        journal.ForgetLayer(id);
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
        Remove(_storage, _journal, Id);
    }
}
