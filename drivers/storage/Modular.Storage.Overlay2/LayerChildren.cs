namespace Modular.Storage.Overlay2;

/// <summary>
/// Which layers are stacked directly on which, so that removing a layer need not read every layer's lower file to
/// learn whether one still stands on it (a 100-container `rm -f` read ten thousand of them). Read from disk the first
/// time it is asked, then kept up to date by the driver's creates and removals.
/// </summary>
internal sealed class LayerChildren(Func<IEnumerable<(string Id, string? Parent)>> readFromDisk)
{
    private readonly object _gate = new();
    private Dictionary<string, HashSet<string>>? _childrenOf;
    private readonly Dictionary<string, string> _parentOf = new(StringComparer.Ordinal);

    /// <summary>One layer stacked on <paramref name="id"/>, or null when none is.</summary>
    public string? AnyChildOf(string id)
    {
        lock (_gate)
        {
            return Index().TryGetValue(id, out var children) && children.Count > 0 ? children.First() : null;
        }
    }

    /// <summary>Called once <paramref name="id"/> is in place on disk, so a later first read from disk sees it too.</summary>
    public void Created(string id, string? parent)
    {
        lock (_gate)
        {
            if (_childrenOf is not null && parent is not null)
            {
                Link(id, parent);
            }
        }
    }

    /// <summary>Called once <paramref name="id"/> is gone from its place on disk.</summary>
    public void Removed(string id)
    {
        lock (_gate)
        {
            if (_childrenOf is null)
            {
                return;
            }
            if (_parentOf.Remove(id, out var parent) && _childrenOf.TryGetValue(parent, out var siblings))
            {
                siblings.Remove(id);
                if (siblings.Count == 0)
                {
                    _childrenOf.Remove(parent);
                }
            }
            _childrenOf.Remove(id);
        }
    }

    private Dictionary<string, HashSet<string>> Index()
    {
        if (_childrenOf is null)
        {
            _childrenOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (id, parent) in readFromDisk())
            {
                if (parent is not null)
                {
                    Link(id, parent);
                }
            }
        }
        return _childrenOf;
    }

    private void Link(string id, string parent)
    {
        _parentOf[id] = parent;
        if (!_childrenOf!.TryGetValue(parent, out var children))
        {
            _childrenOf[parent] = children = new HashSet<string>(StringComparer.Ordinal);
        }
        children.Add(id);
    }
}
