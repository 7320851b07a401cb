namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// The size of every layer some image uses, by the storage driver's id: what `docker system df` adds up, each
    /// shared layer once.
    /// </summary>
    public IReadOnlyDictionary<string, long> LayerSizes()
    {
        lock (_gate)
        {
            return _images.Values
                .SelectMany(image => image.ChainIds)
                .Distinct(StringComparer.Ordinal)
                .Select(chainId => _layers.Get(chainId))
                .OfType<LayerRecord>()
                .ToDictionary(layer => layer.CacheId, layer => layer.Size, StringComparer.Ordinal);
        }
    }
}
