namespace Modular.Kernel.Build;

/// <summary>What <c>POST /build</c> asks for besides the context (the query parameters of the classic builder).</summary>
public sealed record BuildOptions
{
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The Dockerfile's path inside the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary><c>--build-arg</c>: a null value means "take it from the client's environment", which the client already did.</summary>
    public IReadOnlyDictionary<string, string?> BuildArgs { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string? Target { get; init; }

    public bool NoCache { get; init; }

    public bool Pull { get; init; }

    /// <summary>Remove intermediate containers after a successful step (<c>--rm</c>, on by default).</summary>
    public bool Remove { get; init; } = true;

    public bool ForceRemove { get; init; }

    /// <summary>Suppress the step output; only the image id is printed.</summary>
    public bool Quiet { get; init; }

    /// <summary>The network RUN steps use; null or "default" for the daemon's default.</summary>
    public string? NetworkMode { get; init; }

    public string? Platform { get; init; }

    /// <summary>The logins of <c>X-Registry-Config</c>, for pulling base images.</summary>
    public BuildRegistryAuth RegistryAuth { get; init; } = BuildRegistryAuth.None;
}
