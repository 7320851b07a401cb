namespace Modular.Sdk.Storage;

/// <summary>What a storage driver supports. Tests and the kernel branch on these, never on a driver's name.</summary>
/// <param name="MaxLayerDepth">The deepest parent chain the driver can mount, or null when it has no limit.</param>
/// <param name="NativeDiff">Whether Diff/Changes use the filesystem's own knowledge rather than comparing trees.</param>
/// <param name="Quotas">Whether the driver can limit a writable layer's size.</param>
/// <param name="CopyOnWrite">Whether layers share unchanged data with their parents instead of copying it.</param>
public sealed record StorageCapabilities(
    int? MaxLayerDepth = null,
    bool NativeDiff = false,
    bool Quotas = false,
    bool CopyOnWrite = false);
