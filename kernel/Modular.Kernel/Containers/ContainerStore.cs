using System.Collections.Concurrent;
using Modular.Kernel.Persistence;
using Modular.Sdk;

namespace Modular.Kernel.Containers;

/// <summary>
/// Every container the daemon knows, in memory and under <c>&lt;data-root&gt;/containers</c>. Names are unique;
/// lookups accept a full id, a unique id prefix or a name, as Docker's do.
/// </summary>
public sealed class ContainerStore
{
    private const string StateFile = "config.v2.json";
    private readonly ConcurrentDictionary<string, Container> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByName = new(StringComparer.Ordinal);
    private readonly object _names = new();

    public ContainerStore(string dataRoot)
    {
        Root = System.IO.Path.Combine(dataRoot, "containers");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public IEnumerable<Container> All => _byId.Values;

    public int Count => _byId.Count;

    public string DirectoryOf(string id) => System.IO.Path.Combine(Root, id);

    /// <summary>Reads every persisted container; folders without a readable state file are reported, not loaded.</summary>
    public IReadOnlyList<string> LoadAll()
    {
        AtomicFile.RemoveLeftovers(Root);
        var unreadable = new List<string>();
        foreach (var folder in Directory.GetDirectories(Root))
        {
            try
            {
                var container = AtomicFile.ReadJson<Container>(System.IO.Path.Combine(folder, StateFile));
                if (container is null)
                {
                    unreadable.Add(folder);
                    continue;
                }
                _byId[container.Id] = container;
                lock (_names)
                {
                    _idByName[container.Name] = container.Id;
                }
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                unreadable.Add($"{folder}: {e.Message}");
            }
        }
        return unreadable;
    }

    /// <summary>
    /// Reserves <paramref name="container"/>'s name and persists it; a taken name is a 409 in Docker's words. A name the
    /// daemon generated (<paramref name="generateName"/> given) that another create took meanwhile is replaced by a new
    /// one instead: the user never chose it.
    /// </summary>
    public void Add(Container container, Func<Func<string, bool>, string>? generateName = null)
    {
        lock (_names)
        {
            while (generateName is not null && _idByName.ContainsKey(container.Name))
            {
                container.Name = generateName(_idByName.ContainsKey);
            }
            if (_idByName.TryGetValue(container.Name, out var owner))
            {
                throw DriverException.Conflict(
                    $"Conflict. The container name \"/{container.Name}\" is already in use by container \"{owner}\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            _idByName[container.Name] = container.Id;
        }
        _byId[container.Id] = container;
        try
        {
            Save(container);
        }
        catch
        {
            Forget(container);
            throw;
        }
    }

    /// <summary>Moves the container to a new name atomically with respect to other name reservations.</summary>
    public void Rename(Container container, string newName)
    {
        lock (_names)
        {
            if (_idByName.TryGetValue(newName, out var owner))
            {
                throw DriverException.Conflict(
                    $"Conflict. The container name \"/{newName}\" is already in use by container \"{owner}\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            _idByName.Remove(container.Name);
            _idByName[newName] = container.Id;
            container.Name = newName;
        }
        Save(container);
    }

    public bool NameTaken(string name)
    {
        lock (_names)
        {
            return _idByName.ContainsKey(name);
        }
    }

    public void Save(Container container) =>
        AtomicFile.WriteJson(System.IO.Path.Combine(DirectoryOf(container.Id), StateFile), container);

    /// <summary>Forgets the container and deletes its folder.</summary>
    public void Delete(Container container)
    {
        Forget(container);
        var folder = DirectoryOf(container.Id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private void Forget(Container container)
    {
        _byId.TryRemove(container.Id, out _);
        lock (_names)
        {
            if (_idByName.TryGetValue(container.Name, out var id) && id == container.Id)
            {
                _idByName.Remove(container.Name);
            }
        }
    }

    public Container? Find(string reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }
        if (_byId.TryGetValue(reference, out var exact))
        {
            return exact;
        }
        var name = reference.TrimStart('/');
        lock (_names)
        {
            if (_idByName.TryGetValue(name, out var byName) && _byId.TryGetValue(byName, out var named))
            {
                return named;
            }
        }
        var matches = _byId.Values.Where(c => c.Id.StartsWith(reference, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => null,
            _ => throw DriverException.InvalidArgument($"multiple IDs found with provided prefix: {reference}"),
        };
    }

    /// <summary>Finds a container or throws Docker's 404.</summary>
    public Container Get(string reference) =>
        Find(reference) ?? throw DriverException.NotFound($"No such container: {reference}");
}
