using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Images;

namespace Modular.Kernel.Api;

/// <summary>Renders the image store's records in the wire shapes of /images/json, /images/{name}/json and history.</summary>
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
        Comment = image.ConfigFile.Comment ?? "",
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

    public static List<HistoryItem> History(ImageRecord image)
    {
        var items = new List<HistoryItem>();
        var history = image.ConfigFile.History;
        var layerIndex = 0;
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            var size = entry.EmptyLayer ? 0 : (layerIndex++ == image.DiffIds.Count - 1 ? image.Size : 0);
            items.Add(new HistoryItem
            {
                Id = i == history.Count - 1 ? image.Id : "<missing>",
                Created = entry.Created?.ToUnixTimeSeconds() ?? 0,
                CreatedBy = entry.CreatedBy ?? "",
                Tags = i == history.Count - 1 ? image.RepoTags.ToList() : null,
                Size = size,
                Comment = entry.Comment ?? "",
            });
        }
        items.Reverse();
        return items;
    }

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
        OnBuild = config.OnBuild?.ToList(),
        Shell = config.Shell?.ToList(),
    };
}
