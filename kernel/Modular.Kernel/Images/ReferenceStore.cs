using Modular.Kernel.Persistence;

namespace Modular.Kernel.Images;

/// <summary>
/// Tags and digest references (<c>repositories.json</c>): which image each fully qualified reference names. Not
/// thread-safe: the image service calls it under its own lock, and every change is written atomically at once.
/// </summary>
internal sealed class ReferenceStore
{
    private readonly string _path;
    private readonly SortedDictionary<string, string> _imageByReference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastTagTime = new(StringComparer.Ordinal);

    public ReferenceStore(string path)
    {
        _path = path;
        var state = AtomicFile.ReadJson<RepositoriesFile>(path);
        foreach (var references in state?.Repositories?.Values ?? Enumerable.Empty<SortedDictionary<string, string>>())
        {
            foreach (var (reference, imageId) in references)
            {
                _imageByReference[reference] = imageId;
            }
        }
        foreach (var (imageId, time) in state?.LastTagTime ?? new SortedDictionary<string, DateTimeOffset>())
        {
            _lastTagTime[imageId] = time;
        }
    }

    public string? Get(ImageReference reference) => _imageByReference.GetValueOrDefault(reference.ToString());

    /// <summary>References to <paramref name="imageId"/>, sorted as Docker sorts them (by fully qualified form).</summary>
    public IReadOnlyList<ImageReference> ReferencesTo(string imageId) =>
        _imageByReference.Where(pair => pair.Value == imageId).Select(pair => ImageReference.Parse(pair.Key)).ToArray();

    public IReadOnlyCollection<string> ReferencedImages() => _imageByReference.Values.ToHashSet(StringComparer.Ordinal);

    public DateTimeOffset? LastTagTime(string imageId) => _lastTagTime.TryGetValue(imageId, out var time) ? time : null;

    /// <summary>Points <paramref name="reference"/> at the image; returns the image it named before, if another.</summary>
    public string? Set(ImageReference reference, string imageId)
    {
        var key = reference.ToString();
        var previous = _imageByReference.GetValueOrDefault(key);
        _imageByReference[key] = imageId;
        _lastTagTime[imageId] = DateTimeOffset.UtcNow;
        Save();
        return previous == imageId ? null : previous;
    }

    public bool Remove(ImageReference reference)
    {
        if (!_imageByReference.Remove(reference.ToString()))
        {
            return false;
        }
        Save();
        return true;
    }

    /// <summary>Drops references to images that no longer exist (e.g. after a crash between two writes).</summary>
    public void RemoveDangling(Func<string, bool> imageExists)
    {
        var stale = _imageByReference.Where(pair => !imageExists(pair.Value)).Select(pair => pair.Key).ToArray();
        foreach (var key in stale)
        {
            _imageByReference.Remove(key);
        }
        foreach (var imageId in _lastTagTime.Keys.Where(id => !imageExists(id)).ToArray())
        {
            _lastTagTime.Remove(imageId);
        }
        if (stale.Length > 0)
        {
            Save();
        }
    }

    public void ForgetImage(string imageId)
    {
        _lastTagTime.Remove(imageId);
        Save();
    }

    private void Save()
    {
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (key, imageId) in _imageByReference)
        {
            var repository = ImageReference.Parse(key).Repository;
            if (!repositories.TryGetValue(repository, out var references))
            {
                repositories[repository] = references = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }
            references[key] = imageId;
        }
        AtomicFile.WriteJson(_path, new RepositoriesFile(repositories, new SortedDictionary<string, DateTimeOffset>(_lastTagTime)));
    }

    private sealed record RepositoriesFile(
        SortedDictionary<string, SortedDictionary<string, string>>? Repositories,
        SortedDictionary<string, DateTimeOffset>? LastTagTime);
}
