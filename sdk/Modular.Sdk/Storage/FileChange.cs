namespace Modular.Sdk.Storage;

/// <summary>How a path differs from the parent layer, numbered as the Docker API's <c>/changes</c> endpoint numbers them.</summary>
public enum FileChangeKind
{
    /// <summary>The path exists in both and differs.</summary>
    Modified = 0,
    /// <summary>The path is new in this layer.</summary>
    Added = 1,
    /// <summary>The path was removed by this layer.</summary>
    Deleted = 2,
}

/// <summary>One changed path, absolute inside the container's root (e.g. <c>/etc/hosts</c>).</summary>
/// <param name="Path">The absolute path inside the layer's filesystem.</param>
/// <param name="Kind">How it changed.</param>
public sealed record FileChange(string Path, FileChangeKind Kind);
