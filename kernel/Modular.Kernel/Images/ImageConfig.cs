namespace Modular.Kernel.Images;

/// <summary>
/// An image configuration (the JSON whose sha256 is the image id), parsed. <see cref="Raw"/> keeps the exact bytes so the
/// image can be saved and pushed again with the same id.
/// </summary>
public sealed record ImageConfig
{
    public string Architecture { get; init; } = "";
    public string Os { get; init; } = "";
    public string? Variant { get; init; }
    public string? OsVersion { get; init; }
    public DateTimeOffset? Created { get; init; }
    public string? Author { get; init; }
    public string? Comment { get; init; }
    public string? DockerVersion { get; init; }
    public ImageExecutionConfig Config { get; init; } = new();
    public string RootFsType { get; init; } = "layers";
    /// <summary>The diff ids (sha256 of each uncompressed layer tar), bottom layer first.</summary>
    public IReadOnlyList<string> DiffIds { get; init; } = [];
    public IReadOnlyList<ImageHistoryEntry> History { get; init; } = [];
    public ReadOnlyMemory<byte> Raw { get; init; }
}

/// <summary>
/// The execution defaults an image gives its containers (the config's <c>config</c> object). Fields an image leaves
/// out are null or empty.
/// </summary>
public sealed record ImageExecutionConfig
{
    public string? User { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public string? WorkingDir { get; init; }
    /// <summary>Ports as "80/tcp", in the order the config lists them.</summary>
    public IReadOnlyList<string>? ExposedPorts { get; init; }
    public IReadOnlyList<string>? Volumes { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public string? StopSignal { get; init; }
    public ImageHealthcheck? Healthcheck { get; init; }
    public IReadOnlyList<string>? OnBuild { get; init; }
    public IReadOnlyList<string>? Shell { get; init; }
    public bool? ArgsEscaped { get; init; }
}

/// <summary>A health check as images carry it; durations in nanoseconds as Docker's JSON has them (0 = default).</summary>
public sealed record ImageHealthcheck(
    IReadOnlyList<string>? Test,
    long Interval,
    long Timeout,
    long StartPeriod,
    long StartInterval,
    int Retries);

/// <summary>One entry of the image's history, oldest first in <see cref="ImageConfig.History"/>.</summary>
public sealed record ImageHistoryEntry(
    DateTimeOffset? Created,
    string? CreatedBy,
    string? Author,
    string? Comment,
    bool EmptyLayer);
