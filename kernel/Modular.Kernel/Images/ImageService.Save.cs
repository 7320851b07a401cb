using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    private const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndexMediaType = "application/vnd.oci.image.index.v1+json";
    private const string OciConfigMediaType = "application/vnd.oci.image.config.v1+json";
    private const string OciLayerMediaType = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>
    /// <c>docker save</c>: writes one tar holding both an OCI image layout (oci-layout, index.json, blobs/sha256/...)
    /// and Docker's manifest.json and repositories, as Docker 25+ does. Layers are the uncompressed tars exactly as
    /// they were registered, so each blob's digest is its diff id. <paramref name="names"/> are ids (saved without
    /// tags), references, or repository names (every tag of the repository). Every name is resolved before anything
    /// is written, so a missing image fails the request with 404 instead of a truncated archive.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken = default)
    {
        var lease = new LayerLease();
        try
        {
            var images = SelectForSave(names, lease);
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
            var producer = Task.Factory.StartNew(() =>
            {
                Exception? error = null;
                try
                {
                    using var stream = pipe.Writer.AsStream(leaveOpen: true);
                    WriteSaveArchive(images, stream);
                }
                catch (Exception e)
                {
                    error = e;
                }
                pipe.Writer.Complete(error);
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                await pipe.Reader.CopyToAsync(output, cancellationToken);
            }
            finally
            {
                await pipe.Reader.CompleteAsync();
                await producer;
            }
        }
        finally
        {
            ReleaseLease(lease);
        }
    }

    private List<SavedImage> SelectForSave(IReadOnlyList<string> names, LayerLease lease)
    {
        if (names.Count == 0)
        {
            throw DriverException.InvalidArgument("no images specified");
        }
        lock (_gate)
        {
            var chosen = new List<SavedImage>();
            foreach (var name in names)
            {
                foreach (var (id, tag) in ImagesNamedBy(name))
                {
                    var existing = chosen.FindIndex(image => image.Id == id);
                    if (existing < 0)
                    {
                        var stored = _images[id];
                        var layers = stored.ChainIds.Select(chainId => _layers.Get(chainId) ??
                            throw DriverException.NotFound($"layer {chainId} of image {id} is missing")).ToArray();
                        if (stored.ChainIds.Count > 0)
                        {
                            _layers.TryReuse(stored.ChainIds[^1], lease);
                        }
                        chosen.Add(new SavedImage(id, stored.Config.Raw.ToArray(), layers, tag is null ? [] : [tag]));
                    }
                    else if (tag is not null && !chosen[existing].Tags.Contains(tag))
                    {
                        chosen[existing] = chosen[existing] with { Tags = [.. chosen[existing].Tags, tag] };
                    }
                }
            }
            return chosen;
        }
    }

    /// <summary>Docker's rules: an id saves no tag; a bare repository name saves all its tags; a reference one tag.</summary>
    private IEnumerable<(string Id, ImageReference? Tag)> ImagesNamedBy(string name)
    {
        if (ImageReference.TryParse(name, out var reference, out _) && reference.Tag is null && reference.Digest is null)
        {
            var tagged = _images.Keys
                .SelectMany(id => _references.ReferencesTo(id).Where(r => r.Tag is not null && r.Repository == reference.Repository)
                    .Select(r => (Id: id, Tag: (ImageReference?)r)))
                .OrderBy(pair => pair.Tag!.ToString(), StringComparer.Ordinal)
                .ToArray();
            if (tagged.Length > 0)
            {
                return tagged;
            }
        }
        var id = ResolveLocked(name);
        if (IsIdPrefix(id, name))
        {
            return [(id, null)];
        }
        var named = ImageReference.Parse(name).WithDefaultTag();
        return [(id, named.Digest is null ? named : null)];
    }

    private void WriteSaveArchive(IReadOnlyList<SavedImage> images, Stream output)
    {
        var created = DateTimeOffset.UtcNow;
        var tar = new SaveTarWriter(output, created);
        tar.Directory("blobs");
        tar.Directory("blobs/sha256");
        var writtenBlobs = new HashSet<string>(StringComparer.Ordinal);
        var indexEntries = new List<object>();
        var manifestEntries = new List<Dictionary<string, object?>>();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var layerDescriptors = new List<Dictionary<string, object>>();
            foreach (var layer in image.Layers)
            {
                var size = _layers.TarLength(layer);
                if (writtenBlobs.Add(layer.DiffId))
                {
                    tar.File(BlobName(layer.DiffId), size, layer.DiffId, stream => _layers.WriteTar(layer, stream));
                }
                layerDescriptors.Add(Descriptor(OciLayerMediaType, layer.DiffId, size));
            }
            var configDigest = Sha256Digest.Of(image.Config);
            if (writtenBlobs.Add(configDigest))
            {
                tar.File(BlobName(configDigest), image.Config);
            }
            var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = OciManifestMediaType,
                ["config"] = Descriptor(OciConfigMediaType, configDigest, image.Config.Length),
                ["layers"] = layerDescriptors,
            }, JsonSerializerOptions.Default);
            var manifestDigest = Sha256Digest.Of(manifest);
            if (writtenBlobs.Add(manifestDigest))
            {
                tar.File(BlobName(manifestDigest), manifest);
            }
            var manifestDescriptor = Descriptor(OciManifestMediaType, manifestDigest, manifest.Length);
            if (image.Tags.Count == 0)
            {
                indexEntries.Add(manifestDescriptor);
            }
            foreach (var tag in image.Tags)
            {
                indexEntries.Add(new Dictionary<string, object>(manifestDescriptor)
                {
                    ["annotations"] = new Dictionary<string, string>
                    {
                        ["io.containerd.image.name"] = tag.ToString(),
                        ["org.opencontainers.image.ref.name"] = tag.Tag!,
                    },
                });
                if (image.Layers.Count > 0)
                {
                    if (!repositories.TryGetValue(tag.FamiliarRepository, out var tags))
                    {
                        repositories[tag.FamiliarRepository] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    }
                    tags[tag.Tag!] = Sha256Digest.Hex(image.Layers[^1].DiffId);
                }
            }
            manifestEntries.Add(new Dictionary<string, object?>
            {
                ["Config"] = BlobName(configDigest),
                ["RepoTags"] = image.Tags.Count == 0 ? null : image.Tags.Select(tag => tag.Familiar).ToArray(),
                ["Layers"] = image.Layers.Select(layer => BlobName(layer.DiffId)).ToArray(),
            });
        }
        tar.File("index.json", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciIndexMediaType,
            ["manifests"] = indexEntries,
        }, JsonSerializerOptions.Default));
        tar.File("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifestEntries, JsonSerializerOptions.Default));
        tar.File("oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
        if (repositories.Count > 0)
        {
            tar.File("repositories", JsonSerializer.SerializeToUtf8Bytes(repositories, JsonSerializerOptions.Default));
        }
        tar.Finish();
    }

    private static Dictionary<string, object> Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    private static string BlobName(string digest) => "blobs/sha256/" + Sha256Digest.Hex(digest);

    private sealed record SavedImage(string Id, byte[] Config, IReadOnlyList<LayerRecord> Layers, IReadOnlyList<ImageReference> Tags);
}
