using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// <c>docker load</c>: registers every image of a <c>docker save</c> archive (plain or gzip; Docker's manifest.json
    /// form, legacy or Docker 25+, or a pure OCI layout) and returns the lines Docker prints: "Loaded image: name:tag"
    /// per tag, "Loaded image ID: sha256:..." for an untagged image. Each layer is checked against the config's diff
    /// ids; an image that fails leaves nothing behind. The stream is read once, asynchronously.
    /// </summary>
    public async Task<IReadOnlyList<string>> LoadAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        using var spool = await ArchiveSpool.CreateAsync(archive, _temporaryFolder, cancellationToken);
        return await Task.Factory.StartNew(() => LoadSpooled(spool, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private List<string> LoadSpooled(ArchiveSpool spool, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        foreach (var image in ArchiveManifest.Read(spool))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var config = ImageConfigJson.Parse(image.ConfigBytes);
            if (config.Os.Length > 0 && config.Os != "linux")
            {
                throw DriverException.InvalidArgument($"image operating system \"{config.Os}\" cannot be used on this platform");
            }
            if (image.LayerPaths.Count != config.DiffIds.Count)
            {
                throw DriverException.InvalidArgument(
                    $"invalid manifest, layers length mismatch: expected {config.DiffIds.Count}, got {image.LayerPaths.Count}");
            }
            var lease = new LayerLease();
            try
            {
                LayerRecord? parent = null;
                for (var i = 0; i < config.DiffIds.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var chainId = ChainId.Next(parent?.ChainId, config.DiffIds[i]);
                    parent = _layers.TryReuse(chainId, lease) ?? RegisterFromSpool(spool, image.LayerPaths[i], parent, config.DiffIds[i], i, lease);
                }
                var id = Commit(image.ConfigBytes, config, image.Tags, messages);
                messages.AddRange(image.Tags.Count == 0
                    ? [$"Loaded image ID: {id}"]
                    : image.Tags.Select(tag => $"Loaded image: {tag.Familiar}"));
            }
            finally
            {
                ReleaseLease(lease);
            }
        }
        return messages;
    }

    private LayerRecord RegisterFromSpool(ArchiveSpool spool, string path, LayerRecord? parent, string diffId, int index, LayerLease lease)
    {
        using var layer = spool.Open(path);
        return _layers.Register(layer, parent, diffId, index, lease);
    }
}
