using System.Collections.Concurrent;

namespace Modular.Sdk.Storage;

/// <summary>
/// Counts <see cref="IStorageDriver.Get"/> references per layer so the first one mounts and the last
/// <see cref="IStorageDriver.Put"/> unmounts. Mounting and unmounting run under the layer's own lock, so calls for
/// different layers never wait for each other and a layer is never mounted twice or unmounted while referenced.
/// </summary>
public sealed class MountRefCounter
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes a reference on <paramref name="id"/>, calling <paramref name="mount"/> when it is the first one.</summary>
    /// <returns>The path <paramref name="mount"/> returned for the first reference.</returns>
    public string Acquire(string id, Func<string> mount)
    {
        var entry = _entries.GetOrAdd(id, _ => new Entry());
        lock (entry)
        {
            if (entry.Count == 0)
            {
                entry.Path = mount(); // when it throws, no reference is taken
            }
            entry.Count++;
            return entry.Path!;
        }
    }

    /// <summary>Drops one reference; the last one calls <paramref name="unmount"/> with the mounted path.</summary>
    /// <returns>False when the layer held no reference.</returns>
    public bool Release(string id, Action<string> unmount)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return false;
        }
        lock (entry)
        {
            if (entry.Count == 0)
            {
                return false;
            }
            if (entry.Count == 1)
            {
                unmount(entry.Path!); // when it throws, the reference stays so a later Put can retry
                entry.Path = null;
            }
            entry.Count--;
            return true;
        }
    }

    /// <summary>Drops every reference on <paramref name="id"/>, unmounting if any was held (used by Remove).</summary>
    public void Forget(string id, Action<string> unmount)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return;
        }
        lock (entry)
        {
            if (entry.Count > 0)
            {
                unmount(entry.Path!);
            }
            entry.Count = 0;
            entry.Path = null;
            _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
        }
    }

    /// <summary>How many references <paramref name="id"/> holds.</summary>
    public int Count(string id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return 0;
        }
        lock (entry)
        {
            return entry.Count;
        }
    }

    /// <summary>The layers holding at least one reference.</summary>
    public IReadOnlyList<string> ReferencedIds() => _entries.Where(e => Count(e.Key) > 0).Select(e => e.Key).ToList();

    private sealed class Entry
    {
        public int Count;
        public string? Path;
    }
}
