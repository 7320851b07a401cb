namespace Modular.Sdk.Storage;

/// <summary>
/// A storage (graph) driver: keeps a tree of layers, each identified by an id the kernel chooses, each optionally
/// stacked on a parent layer.
/// <para>Lifecycle of a layer:</para>
/// <list type="number">
/// <item><see cref="Create"/> makes an image layer on its parent; the kernel then fills it once with
/// <see cref="ApplyDiff"/> and never writes to it again.</item>
/// <item><see cref="CreateReadWrite(string, string?)"/> makes a container's writable layer on the image's top layer.</item>
/// <item><see cref="Get"/> mounts a layer (all its parents below it) and returns the path of its root
/// filesystem; calls are reference counted, and each must be matched by one <see cref="Put"/>. The last Put unmounts.</item>
/// <item><see cref="Remove"/> deletes a layer that no other layer uses as a parent; it unmounts it first if needed.</item>
/// </list>
/// <para>All methods may be called concurrently for different ids. Failures are reported as <see cref="DriverException"/>:
/// <see cref="DriverErrorKind.NotFound"/> for a missing layer or parent, <see cref="DriverErrorKind.Conflict"/> for an id
/// that already exists.</para>
/// </summary>
public interface IStorageDriver : IDisposable
{
    /// <summary>The driver's name as users select it, e.g. <c>overlay2</c>.</summary>
    string Name { get; }

    /// <summary>What this driver can do; conformance tests read this instead of the driver's name.</summary>
    StorageCapabilities Capabilities { get; }

    /// <summary>Lines for <c>docker info</c> under the driver, e.g. ("Backing Filesystem", "extfs").</summary>
    IReadOnlyList<KeyValuePair<string, string>> Status { get; }

    /// <summary>Creates an empty read-only layer on <paramref name="parent"/> (null for a base layer).</summary>
    void Create(string id, string? parent);

    /// <summary>Creates a writable layer for a container on <paramref name="parent"/>.</summary>
    void CreateReadWrite(string id, string? parent);

    /// <summary>
    /// Creates a writable layer for a container on <paramref name="parent"/> with per-container storage options
    /// (<c>docker run --storage-opt</c>, i.e. <c>HostConfig.StorageOpt</c>), such as <c>size=10G</c>.
    /// <para>The default serves drivers that take no such option: with no options it is
    /// <see cref="CreateReadWrite(string, string?)"/>; with any option it refuses with
    /// <see cref="DriverErrorKind.InvalidArgument"/> naming the driver. A driver that takes options implements this
    /// method and refuses an unknown key with <see cref="DriverErrorKind.InvalidArgument"/> naming the key.</para>
    /// </summary>
    /// <param name="id">The new layer's id.</param>
    /// <param name="parent">The image's top layer, or null.</param>
    /// <param name="storageOptions">The container's storage options, key to value; empty when none were given.</param>
    void CreateReadWrite(string id, string? parent, IReadOnlyDictionary<string, string> storageOptions)
    {
        if (storageOptions.Count > 0)
        {
            throw DriverException.InvalidArgument(
                $"--storage-opt is not supported by the {Name} storage driver (got {string.Join(", ", storageOptions.Keys.Order(StringComparer.Ordinal))})");
        }
        CreateReadWrite(id, parent);
    }

    /// <summary>Whether the layer exists.</summary>
    bool Exists(string id);

    /// <summary>
    /// Removes the layer and everything the driver keeps for it. Removing a missing layer is NotFound; removing a layer
    /// another layer is stacked on is Conflict, and both stay usable.
    /// </summary>
    void Remove(string id);

    /// <summary>Mounts the layer if it is not mounted yet and returns the path of its root filesystem.</summary>
    string Get(string id);

    /// <summary>Releases one reference taken by <see cref="Get"/>; the last one unmounts.</summary>
    void Put(string id);

    /// <summary>
    /// Extracts a layer tar (uncompressed, OCI whiteout form) into the layer <paramref name="id"/>, whose parent is
    /// <paramref name="parent"/>. Returns the size in bytes of the extracted content.
    /// </summary>
    long ApplyDiff(string id, string? parent, Stream diff);

    /// <summary>Produces a tar (OCI whiteout form) of what the layer changes against its parent. The caller disposes it.</summary>
    Stream Diff(string id, string? parent);

    /// <summary>Lists what the layer adds, modifies and deletes against its parent.</summary>
    IReadOnlyList<FileChange> Changes(string id, string? parent);

    /// <summary>The size in bytes of what the layer changes against its parent.</summary>
    long DiffSize(string id, string? parent);

    /// <summary>Key/value facts shown as <c>GraphDriver.Data</c> in inspect (e.g. LowerDir, UpperDir, MergedDir).</summary>
    IReadOnlyDictionary<string, string> GetMetadata(string id);

    /// <summary>Unmounts everything this driver mounted; called once at daemon shutdown.</summary>
    void Cleanup();
}
