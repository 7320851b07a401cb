using Modular.Kernel.Persistence;

namespace Modular.Kernel.Networks;

/// <summary>Every container's network attachments, persisted atomically in <c>&lt;data-root&gt;/network/endpoints.json</c>.</summary>
public sealed class EndpointStore
{
    private readonly string _file;
    private readonly object _lock = new();
    private List<EndpointRecord> _records;

    public EndpointStore(string dataRoot)
    {
        _file = Path.Combine(dataRoot, "network", "endpoints.json");
        _records = AtomicFile.ReadJson<List<EndpointRecord>>(_file) ?? [];
    }

    public IReadOnlyList<EndpointRecord> All
    {
        get { lock (_lock) { return _records.ToList(); } }
    }

    public IReadOnlyList<EndpointRecord> OfContainer(string containerId)
    {
        lock (_lock) { return _records.Where(r => r.ContainerId == containerId).ToList(); }
    }

    public IReadOnlyList<EndpointRecord> OnNetwork(string networkId)
    {
        lock (_lock) { return _records.Where(r => r.NetworkId == networkId).ToList(); }
    }

    /// <summary>Runs <paramref name="change"/> on the records under the store's lock and persists the result before returning.</summary>
    public T Change<T>(Func<List<EndpointRecord>, T> change)
    {
        lock (_lock)
        {
            var copy = _records.ToList();
            var result = change(copy);
            AtomicFile.WriteJson(_file, copy);
            _records = copy;
            return result;
        }
    }

    public void Put(EndpointRecord record) => Change(list =>
    {
        var index = list.FindIndex(r => r.ContainerId == record.ContainerId && r.NetworkId == record.NetworkId);
        if (index >= 0)
        {
            list[index] = record;
        }
        else
        {
            list.Add(record);
        }
        return true;
    });

    public void RemoveContainer(string containerId) => Change(list => list.RemoveAll(r => r.ContainerId == containerId));
}
