using Modular.Sdk.Storage;

namespace Modular.Storage.Btrfs;

/// <summary>
/// Which layer each layer was made on, kept in <c>&lt;root&gt;/parents/&lt;id&gt;</c> and indexed in memory. A btrfs
/// snapshot does not need its parent, but the storage contract refuses to remove a layer that others are stacked on,
/// as every other driver must. Not thread-safe: the driver calls it under one lock.
/// </summary>
internal sealed class LayerParents
{
    private readonly string _records;
    private readonly Dictionary<string, string> _parentOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _childrenOf = new(StringComparer.Ordinal);

    /// <summary>Loads the records of the layers <paramref name="exists"/> confirms and deletes the others (left by a crash).</summary>
    public LayerParents(string root, Func<string, bool> exists)
    {
        _records = Path.Join(root, "parents");
        Directory.CreateDirectory(_records);
        foreach (var child in FileTree.ChildNames(_records))
        {
            var parent = File.ReadAllText(Path.Join(_records, child)).Trim();
            if (parent.Length == 0 || !exists(child))
            {
                File.Delete(Path.Join(_records, child));
                continue;
            }
            Index(child, parent);
        }
    }

    /// <summary>Records that <paramref name="child"/> is (about to be) made on <paramref name="parent"/>.</summary>
    public void Add(string child, string parent)
    {
        File.WriteAllText(Path.Join(_records, child), parent);
        Index(child, parent);
    }

    /// <summary>Forgets <paramref name="child"/>'s record, if it has one.</summary>
    public void Remove(string child)
    {
        if (!_parentOf.Remove(child, out var parent))
        {
            return;
        }
        File.Delete(Path.Join(_records, child));
        var siblings = _childrenOf[parent];
        siblings.Remove(child);
        if (siblings.Count == 0)
        {
            _childrenOf.Remove(parent);
        }
    }

    /// <summary>How many layers are made on <paramref name="id"/>.</summary>
    public int ChildCount(string id) => _childrenOf.TryGetValue(id, out var children) ? children.Count : 0;

    private void Index(string child, string parent)
    {
        _parentOf[child] = parent;
        if (!_childrenOf.TryGetValue(parent, out var children))
        {
            _childrenOf[parent] = children = new HashSet<string>(StringComparer.Ordinal);
        }
        children.Add(child);
    }
}
