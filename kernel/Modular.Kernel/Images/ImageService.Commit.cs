using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>sha256 of an empty tar (two zero blocks): a layer that changes nothing.</summary>
    public const string EmptyLayerDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    /// <summary>
    /// <c>docker commit</c> and each step of a build: makes a new image of the base image plus the changes of the
    /// writable layer <see cref="ImageCommitRequest.LayerId"/> (read through the storage driver's diff), with the
    /// given config and a history entry appended to the base image's. An empty diff adds no layer and records the
    /// entry as <c>empty_layer</c>, as Docker does. The base image becomes the new image's parent. Returns the new
    /// image's id. The caller keeps the writable layer from changing meanwhile (docker pauses the container).
    /// </summary>
    public async Task<string> CommitAsync(ImageCommitRequest request, CancellationToken cancellationToken = default)
    {
        ImageReference? tag = null;
        if (!string.IsNullOrEmpty(request.Reference))
        {
            tag = ImageReference.Parse(request.Reference).WithDefaultTag();
            if (tag.Digest is not null)
            {
                throw DriverException.InvalidArgument("refusing to create a tag with a digest reference");
            }
        }

        var lease = new LayerLease();
        try
        {
            var (baseImage, parentLayer) = LeaseBase(request.BaseImage, lease);
            LayerRecord? layer = null;
            if (request.LayerId is { } layerId && !request.ConfigOnly)
            {
                layer = await Task.Factory.StartNew(() =>
                {
                    using var diff = _driver.Diff(layerId, parentLayer?.CacheId);
                    return _layers.Register(diff, parentLayer, null, baseImage?.Config.DiffIds.Count ?? 0, lease);
                }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            var emptyLayer = layer is null || layer.DiffId == EmptyLayerDiffId;
            var created = request.Created ?? DateTimeOffset.UtcNow;
            var (os, architecture, variant) = baseImage is null
                ? ParsePlatform(null)
                : (baseImage.Config.Os, baseImage.Config.Architecture, baseImage.Config.Variant);
            var baseDiffIds = baseImage?.Config.DiffIds ?? [];
            var configBytes = ImageConfigJson.Write(new ImageConfig
            {
                Architecture = architecture,
                Os = os,
                Variant = variant,
                Created = created,
                Author = NullIfEmpty(request.Author),
                Config = request.Config,
                DiffIds = emptyLayer ? baseDiffIds : [.. baseDiffIds, layer!.DiffId],
                History =
                [
                    .. baseImage?.Config.History ?? [],
                    new ImageHistoryEntry(created, NullIfEmpty(request.CreatedBy), NullIfEmpty(request.Author),
                        NullIfEmpty(request.Comment), emptyLayer),
                ],
            });
            return Commit(configBytes, ImageConfigJson.Parse(configBytes), tag is null ? [] : [tag], [], baseImage?.Id);
        }
        finally
        {
            ReleaseLease(lease);
        }
    }

    /// <summary>The base image and its top layer, leased so a concurrent rmi cannot take the layers away meanwhile.</summary>
    private (StoredImage? Image, LayerRecord? TopLayer) LeaseBase(string? nameOrId, LayerLease lease)
    {
        if (string.IsNullOrEmpty(nameOrId))
        {
            return (null, null);
        }
        lock (_gate)
        {
            var image = _images[ResolveLocked(nameOrId)];
            if (image.ChainIds.Count == 0)
            {
                return (image, null);
            }
            var top = _layers.TryReuse(image.ChainIds[^1], lease) ??
                throw DriverException.NotFound($"layer {image.ChainIds[^1]} of image {image.Id} is missing");
            return (image, top);
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
