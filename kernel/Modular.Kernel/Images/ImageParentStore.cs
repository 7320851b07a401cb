using Modular.Kernel.Persistence;

namespace Modular.Kernel.Images;

/// <summary>
/// Which local image each committed or built image was made from (<c>imagedb/metadata/sha256/&lt;id&gt;/parent</c>, as
/// dockerd keeps it). The parent is local knowledge, not part of the image config, so it is kept beside the configs.
/// Not thread-safe: the image service calls it under its own lock.
/// </summary>
internal sealed class ImageParentStore
{
    private const string ParentFileName = "parent";
    private readonly string _folder;
    private readonly Dictionary<string, string> _parentOf = new(StringComparer.Ordinal);

    public ImageParentStore(string metadataFolder)
    {
        _folder = metadataFolder;
        Directory.CreateDirectory(_folder);
        foreach (var imageFolder in Directory.EnumerateDirectories(_folder))
        {
            var file = Path.Combine(imageFolder, ParentFileName);
            var hex = Path.GetFileName(imageFolder);
            if (Sha256Digest.IsHex(hex) && File.Exists(file) && File.ReadAllText(file).Trim() is var parent && Sha256Digest.IsValid(parent))
            {
                _parentOf[Sha256Digest.Prefix + hex] = parent;
            }
        }
    }

    public string? ParentOf(string imageId) => _parentOf.GetValueOrDefault(imageId);

    /// <summary>Whether some image names <paramref name="imageId"/> as its parent.</summary>
    public bool HasChildren(string imageId) => _parentOf.ContainsValue(imageId);

    public IEnumerable<string> ChildrenOf(string imageId) =>
        _parentOf.Where(pair => pair.Value == imageId).Select(pair => pair.Key);

    public void Set(string imageId, string parentId)
    {
        var imageFolder = Path.Combine(_folder, Sha256Digest.Hex(imageId));
        Directory.CreateDirectory(imageFolder);
        AtomicFile.WriteAllBytes(Path.Combine(imageFolder, ParentFileName), System.Text.Encoding.ASCII.GetBytes(parentId));
        _parentOf[imageId] = parentId;
    }

    public void Forget(string imageId)
    {
        _parentOf.Remove(imageId);
        var imageFolder = Path.Combine(_folder, Sha256Digest.Hex(imageId));
        if (Directory.Exists(imageFolder))
        {
            Directory.Delete(imageFolder, recursive: true);
        }
    }

    /// <summary>Drops parents of images that are gone (a config removed by hand or found corrupt).</summary>
    public void RemoveMissing(Func<string, bool> exists)
    {
        foreach (var imageId in _parentOf.Keys.Where(id => !exists(id)).ToArray())
        {
            Forget(imageId);
        }
    }
}
