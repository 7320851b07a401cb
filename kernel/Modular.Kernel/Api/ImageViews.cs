using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Images;

namespace Modular.Kernel.Api;

/// <summary>Renders the image store's records in the wire shapes of /images/json and /images/{name}/json.</summary>
public static class ImageViews
{
    public static Modular.Api.Models.ImageSummary Summary(Images.ImageSummary image, int containers) => new()
    {
        Id = image.Id,
        ParentId = image.ParentId,
        RepoTags = image.RepoTags.ToList(),
        RepoDigests = image.RepoDigests.ToList(),
        Created = image.Created,
        Size = image.Size,
        SharedSize = -1,
        Labels = image.Labels.ToDictionary(),
        Containers = containers,
    };

    public static ImageInspect Inspect(ImageRecord image, string driverName, IReadOnlyDictionary<string, string> graphDriverData) => new()
    {
        Id = image.Id,
        RepoTags = image.RepoTags.ToList(),
        RepoDigests = image.RepoDigests.ToList(),
        Parent = image.ParentId,
        // moby shows the last history entry's comment (a commit message) when the config has none of its own.
        Comment = image.ConfigFile.Comment ?? image.ConfigFile.History.LastOrDefault()?.Comment ?? "",
        Created = image.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z"),
        DockerVersion = image.ConfigFile.DockerVersion ?? "",
        Author = image.ConfigFile.Author ?? "",
        Config = Config(image.Config),
        Architecture = image.ConfigFile.Architecture,
        Variant = image.ConfigFile.Variant,
        Os = image.ConfigFile.Os,
        Size = image.Size,
        GraphDriver = new GraphDriverData { Name = driverName, Data = new Dictionary<string, string>(graphDriverData) },
        RootFS = new ImageRootFs { Type = image.ConfigFile.RootFsType, Layers = image.DiffIds.ToList() },
        Metadata = new ImageMetadata { LastTagTime = image.LastTagTime?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z") },
    };

    private static ContainerConfig Config(ImageExecutionConfig config) => new()
    {
        User = config.User ?? "",
        Env = config.Env?.ToList(),
        Cmd = config.Cmd?.ToList(),
        Entrypoint = config.Entrypoint?.ToList(),
        WorkingDir = config.WorkingDir ?? "",
        ExposedPorts = config.ExposedPorts?.ToDictionary(p => p, _ => new EmptyObject()),
        Volumes = config.Volumes?.ToDictionary(v => v, _ => new EmptyObject()),
        Labels = config.Labels?.ToDictionary(),
        StopSignal = config.StopSignal,
        Healthcheck = config.Healthcheck is { } check
            ? new HealthConfig
            {
                Test = check.Test?.ToList(),
                Interval = check.Interval,
                Timeout = check.Timeout,
                StartPeriod = check.StartPeriod,
                StartInterval = check.StartInterval,
                Retries = check.Retries,
            }
            : null,
        OnBuild = config.OnBuild?.ToList(),
        Shell = config.Shell?.ToList(),
    };
}
