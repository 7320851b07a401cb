namespace Modular.Kernel.Images;

/// <summary>
/// Everything the kernel knows about one image: what inspect shows and what creating a container needs. Tags and
/// digests are in familiar form (<c>busybox:latest</c>).
/// </summary>
/// <param name="Id">The image id, <c>sha256:&lt;hex&gt;</c> of the config bytes.</param>
/// <param name="ParentId">The local image a committed or built image was made from; empty for imported, loaded and pulled images.</param>
/// <param name="TopLayerCacheId">The storage driver's id of the top layer (the parent of a container's layer), or null for an image without layers.</param>
/// <param name="LayerCacheIds">The storage driver's ids of all layers, bottom first.</param>
/// <param name="ConfigFile">The parsed config file (architecture, os, history, ...), with its exact bytes in <see cref="ImageConfig.Raw"/>.</param>
public sealed record ImageRecord(
    string Id,
    string ParentId,
    IReadOnlyList<string> RepoTags,
    IReadOnlyList<string> RepoDigests,
    DateTimeOffset Created,
    long Size,
    string? TopLayerCacheId,
    IReadOnlyList<string> LayerCacheIds,
    DateTimeOffset? LastTagTime,
    ImageConfig ConfigFile)
{
    /// <summary>The container defaults: env, cmd, entrypoint, workdir, user, exposed ports, labels, stop signal, ...</summary>
    public ImageExecutionConfig Config => ConfigFile.Config;

    /// <summary>RootFS diff ids, bottom layer first.</summary>
    public IReadOnlyList<string> DiffIds => ConfigFile.DiffIds;

    public string Architecture => ConfigFile.Architecture;
    public string Os => ConfigFile.Os;
}

/// <summary>One row of <c>docker images</c> (<c>GET /images/json</c>). Created is in unix seconds.</summary>
/// <param name="RepoTags">Familiar tags; empty for a dangling image (the API shows <c>&lt;none&gt;:&lt;none&gt;</c> for old clients).</param>
/// <param name="Containers">-1: the image store does not count containers; the kernel may fill it in.</param>
public sealed record ImageSummary(
    string Id,
    string ParentId,
    IReadOnlyList<string> RepoTags,
    IReadOnlyList<string> RepoDigests,
    long Created,
    long Size,
    IReadOnlyDictionary<string, string> Labels,
    int Containers);

/// <summary>One line of <c>docker rmi</c>'s answer: exactly one of the two is set.</summary>
public sealed record ImageDeleteItem(string? Untagged, string? Deleted);

/// <summary>A container using an image, as the kernel reports it to <see cref="ImageService.Delete"/>.</summary>
public sealed record ImageUser(string ContainerId, bool Running);
