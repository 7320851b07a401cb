namespace Modular.Kernel.Images;

/// <summary>What <see cref="ImageService.CommitAsync"/> makes a new image of.</summary>
public sealed record ImageCommitRequest
{
    /// <summary>The image the new layer stacks on (id or reference); null for an image from scratch.</summary>
    public string? BaseImage { get; init; }

    /// <summary>
    /// The storage driver's id of the writable layer (a container's, stacked on the base image's top layer) whose
    /// changes become the new image layer; null for an image that only changes the config.
    /// </summary>
    public string? LayerId { get; init; }

    /// <summary>The new image's execution config, complete (the caller merges it with the base image's).</summary>
    public required ImageExecutionConfig Config { get; init; }

    /// <summary>The tag to give the image (default tag latest), or null for none.</summary>
    public string? Reference { get; init; }

    /// <summary>The history entry's <c>created_by</c> (docker commit: the container's command; a build: the instruction).</summary>
    public string? CreatedBy { get; init; }

    public string? Comment { get; init; }

    public string? Author { get; init; }

    /// <summary>When the image was made; now by default.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>
    /// Record the history entry as <c>empty_layer</c> and add no layer even when <see cref="LayerId"/> changed files.
    /// Without it, a layer whose diff is empty also becomes an <c>empty_layer</c> entry, as in Docker.
    /// </summary>
    public bool ConfigOnly { get; init; }
}
