namespace Modular.Kernel.Images;

/// <summary>
/// A registered read-only layer. <paramref name="CacheId"/> is the storage driver's id for it (random, like Docker's
/// cache-id), so a layer's identity (its chain id) never leaks into the driver's folders.
/// </summary>
internal sealed record LayerRecord(string ChainId, string DiffId, string? Parent, long Size, string CacheId);
