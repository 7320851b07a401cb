using Microsoft.Extensions.Logging;
using Modular.Kernel.Persistence;
using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Images;

/// <summary>
/// The kernel's image store: image configs (content addressed), their layers in the storage driver, and tags.
/// Everything lives under <c>&lt;data-root&gt;/image/&lt;driver&gt;/</c>. Metadata changes happen under one lock and
/// are written atomically; layers are extracted outside it, so imports and loads run concurrently.
/// </summary>
public sealed partial class ImageService
{
    private readonly string _contentFolder;
    private readonly string _temporaryFolder;
    private readonly IStorageDriver _driver;
    private readonly ILogger _logger;
    private readonly LayerStore _layers;
    private readonly ReferenceStore _references;
    private readonly ImageParentStore _parents;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredImage> _images = new(StringComparer.Ordinal);

    public ImageService(string dataRoot, IStorageDriver driver, ILogger logger)
    {
        _driver = driver;
        _logger = logger;
        var root = Path.Combine(dataRoot, "image", driver.Name);
        _contentFolder = Path.Combine(root, "imagedb", "content", "sha256");
        _temporaryFolder = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_contentFolder);
        AtomicFile.RemoveLeftovers(Path.Combine(root, "imagedb"));
        if (Directory.Exists(_temporaryFolder))
        {
            Directory.Delete(_temporaryFolder, recursive: true);
        }
        Directory.CreateDirectory(_temporaryFolder);
        _layers = new LayerStore(Path.Combine(root, "layerdb"), driver, logger);
        ReadImages();
        AtomicFile.RemoveLeftovers(root);
        _references = new ReferenceStore(Path.Combine(root, "repositories.json"));
        _references.RemoveDangling(_images.ContainsKey);
        _parents = new ImageParentStore(Path.Combine(root, "imagedb", "metadata", "sha256"));
        _parents.RemoveMissing(_images.ContainsKey);
    }

    /// <summary>This host's architecture as images name it (<c>amd64</c>, <c>arm64</c>, ...).</summary>
    public static string HostArchitecture => ArchiveManifest.HostArchitecture;

    /// <summary>How many images there are (for <c>docker info</c>).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _images.Count;
            }
        }
    }

    /// <summary>
    /// The image <paramref name="nameOrId"/> names: a full or short id (any unique hex prefix, with or without
    /// <c>sha256:</c>), or a reference (<c>name</c> means <c>name:latest</c>). NotFound "No such image: ..." when there
    /// is none; InvalidArgument for a malformed reference.
    /// </summary>
    public ImageRecord Inspect(string nameOrId)
    {
        lock (_gate)
        {
            return ToRecord(_images[ResolveLocked(nameOrId)]);
        }
    }

    /// <summary>The id (<c>sha256:&lt;hex&gt;</c>) of the image <paramref name="nameOrId"/> names; errors as <see cref="Inspect"/>.</summary>
    public string Resolve(string nameOrId)
    {
        lock (_gate)
        {
            return ResolveLocked(nameOrId);
        }
    }

    /// <summary>
    /// The ids of the image <paramref name="nameOrId"/> names and its descendants, the images committed or built on
    /// it (for the containers' ancestor filter); empty when it names none.
    /// </summary>
    public IReadOnlyList<string> IdsMatching(string nameOrId)
    {
        lock (_gate)
        {
            string root;
            try
            {
                root = ResolveLocked(nameOrId);
            }
            catch (DriverException)
            {
                return [];
            }
            var found = new List<string> { root };
            for (var i = 0; i < found.Count; i++)
            {
                found.AddRange(_parents.ChildrenOf(found[i]).Where(child => !found.Contains(child)));
            }
            return found;
        }
    }

    /// <summary>Adds the tag <paramref name="target"/> (default tag latest) to the image <paramref name="source"/> names.</summary>
    public void Tag(string source, string target)
    {
        var reference = ImageReference.Parse(target);
        if (reference.Digest is not null)
        {
            throw DriverException.InvalidArgument("refusing to create a tag with a digest reference");
        }
        if (reference.FamiliarRepository == "sha256")
        {
            throw DriverException.InvalidArgument("refusing to create an ambiguous tag using digest algorithm as name");
        }
        lock (_gate)
        {
            _references.Set(reference.WithDefaultTag(), ResolveLocked(source));
        }
    }

    /// <summary>All images, newest first.</summary>
    public IReadOnlyList<ImageRecord> All()
    {
        lock (_gate)
        {
            return _images.Values.Select(ToRecord).OrderByDescending(image => image.Created).ToArray();
        }
    }

    /// <summary>
    /// Removes layers that no image references, keeping those under container layers whose parent is one of
    /// <paramref name="cacheIdsInUse"/> (the <see cref="ImageRecord.TopLayerCacheId"/> of every container's image).
    /// Call it after removing a container whose image was force-deleted. Returns the chain ids removed.
    /// </summary>
    public IReadOnlyList<string> RemoveUnusedLayers(IReadOnlySet<string> cacheIdsInUse)
    {
        lock (_gate)
        {
            var removed = _layers.RemoveUnused(_layers.AllTopFirst(), ReferencedChains(), cacheIdsInUse);
            if (removed.Count > 0)
            {
                ForgetBlobsOfRemovedLayers();
            }
            return removed;
        }
    }

    private string ResolveLocked(string nameOrId)
    {
        if (ImageReference.IsFullImageId(nameOrId))
        {
            var id = nameOrId.StartsWith(Sha256Digest.Prefix, StringComparison.Ordinal) ? nameOrId : Sha256Digest.Prefix + nameOrId;
            return _images.ContainsKey(id) ? id : throw NoSuchImage(nameOrId);
        }
        ImageReference? reference = null;
        if (ImageReference.TryParse(nameOrId, out var parsed, out var error))
        {
            reference = parsed.WithDefaultTag();
            if (_references.Get(reference) is { } tagged && _images.ContainsKey(tagged))
            {
                return tagged;
            }
        }
        var prefix = nameOrId.StartsWith(Sha256Digest.Prefix, StringComparison.Ordinal) ? nameOrId[Sha256Digest.Prefix.Length..] : nameOrId;
        if (prefix.Length > 0 && prefix.All(char.IsAsciiHexDigitLower))
        {
            var matches = _images.Keys.Where(id => id.AsSpan(Sha256Digest.Prefix.Length).StartsWith(prefix, StringComparison.Ordinal))
                .Take(2).ToArray();
            if (matches.Length == 1)
            {
                return matches[0];
            }
        }
        else if (reference is null)
        {
            throw DriverException.InvalidArgument(error);
        }
        throw NoSuchImage(reference?.Familiar ?? nameOrId);
    }

    private static DriverException NoSuchImage(string what) => DriverException.NotFound($"No such image: {what}");

    private ImageRecord ToRecord(StoredImage image)
    {
        var references = _references.ReferencesTo(image.Id);
        var layers = image.ChainIds.Select(chainId => _layers.Get(chainId)).OfType<LayerRecord>().ToArray();
        return new ImageRecord(
            image.Id,
            ParentId: _parents.ParentOf(image.Id) ?? "",
            RepoTags: references.Where(r => r.Tag is not null).Select(r => r.Familiar).ToArray(),
            RepoDigests: references.Where(r => r.Digest is not null).Select(r => r.Familiar).ToArray(),
            Created: image.Config.Created ?? DateTimeOffset.UnixEpoch,
            Size: layers.Sum(layer => layer.Size),
            TopLayerCacheId: layers.LastOrDefault()?.CacheId,
            LayerCacheIds: layers.Select(layer => layer.CacheId).ToArray(),
            LastTagTime: _references.LastTagTime(image.Id),
            ConfigFile: image.Config);
    }

    private HashSet<string> ReferencedChains() =>
        _images.Values.SelectMany(image => image.ChainIds).ToHashSet(StringComparer.Ordinal);

    /// <summary>Stores a config whose layers are registered and leased, and points the tags at it.</summary>
    private string Commit(byte[] configBytes, ImageConfig config, IReadOnlyList<ImageReference> tags, List<string> messages,
        string? parentId = null)
    {
        var id = Sha256Digest.Of(configBytes);
        lock (_gate)
        {
            if (!_images.ContainsKey(id))
            {
                AtomicFile.WriteAllBytes(Path.Combine(_contentFolder, Sha256Digest.Hex(id)), configBytes);
                _images[id] = new StoredImage(id, config, ChainId.All(config.DiffIds));
                if (parentId is not null && _images.ContainsKey(parentId))
                {
                    _parents.Set(id, parentId);
                }
            }
            foreach (var tag in tags)
            {
                if (_references.Set(tag, id) is { } previous && _images.ContainsKey(previous))
                {
                    messages.Add($"The image {tag.Familiar} already exists, renaming the old one with ID {previous} to empty string");
                }
            }
        }
        return id;
    }

    private void ReadImages()
    {
        foreach (var file in Directory.EnumerateFiles(_contentFolder))
        {
            var name = Path.GetFileName(file);
            if (!Sha256Digest.IsHex(name))
            {
                continue;
            }
            var bytes = File.ReadAllBytes(file);
            var id = Sha256Digest.Of(bytes);
            if (id != Sha256Digest.Prefix + name)
            {
                _logger.LogWarning("Ignoring image config {File} whose content does not match its digest", file);
                continue;
            }
            ImageConfig config;
            try
            {
                config = ImageConfigJson.Parse(bytes);
            }
            catch (DriverException e)
            {
                _logger.LogWarning("Ignoring image {Id}: {Error}", id, e.Message);
                continue;
            }
            var chainIds = ChainId.All(config.DiffIds);
            if (chainIds.FirstOrDefault(chainId => _layers.Get(chainId) is null) is { } missing)
            {
                _logger.LogWarning("Ignoring image {Id}: its layer {ChainId} is missing", id, missing);
                continue;
            }
            _images[id] = new StoredImage(id, config, chainIds);
        }
    }

    private sealed record StoredImage(string Id, ImageConfig Config, IReadOnlyList<string> ChainIds);
}
