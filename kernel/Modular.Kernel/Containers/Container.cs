using Modular.Api.Models;

namespace Modular.Kernel.Containers;

/// <summary>
/// A container as the kernel persists it (<c>containers/&lt;id&gt;/config.v2.json</c>). The user's Config and
/// HostConfig are kept in their wire form so inspect returns exactly what was asked for.
/// </summary>
public sealed class Container
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required DateTimeOffset Created { get; init; }
    public required string ImageId { get; init; }
    public required ContainerConfig Config { get; init; }
    public required HostConfig HostConfig { get; init; }
    public required string Path { get; init; }
    public required List<string> Args { get; init; }
    public required string StorageDriver { get; init; }

    /// <summary>The image's top layer in the storage driver, the parent of the container's writable layer (null for an empty image).</summary>
    public string? ParentLayerId { get; init; }
    public required string LogDriver { get; init; }
    public required Dictionary<string, string> LogOptions { get; init; }
    public required string Runtime { get; init; }
    public ContainerRuntimeState State { get; set; } = new();
    public int RestartCount { get; set; }

    /// <summary>Set by `docker stop` (and cleared by start): restart policies other than "always" then leave the container stopped.</summary>
    public bool ManuallyStopped { get; set; }

    /// <summary>Volumes, binds and tmpfs mounts decided at create (Docker's MountPoints), in the order they were asked for.</summary>
    public List<Mounts.ContainerMount> MountPoints { get; init; } = [];

    /// <summary>The id of the container's writable layer in the storage driver.</summary>
    public string LayerId => Id;

    public string ShortId => Id[..12];
}

/// <summary>The mutable part of a container, changed only through <see cref="ContainerLifecycle"/>.</summary>
public sealed class ContainerRuntimeState
{
    public ContainerStatus Status { get; set; } = ContainerStatus.Created;
    public int Pid { get; set; }
    public int ExitCode { get; set; }
    public string Error { get; set; } = "";
    public bool OomKilled { get; set; }

    /// <summary>Null for a container without a health check.</summary>
    public Health.ContainerHealthState? Health { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
