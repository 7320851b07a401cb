using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Api;

/// <summary>Renders a container in the two wire shapes: the ps summary and the full inspect document.</summary>
public static class ContainerViews
{
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    public static string StatusText(Container container, DateTimeOffset now)
    {
        var state = container.State;
        return HumanUnits.ContainerStatus(state.Status.ToApi(), state.ExitCode,
            state.StartedAt ?? DateTimeOffset.MinValue, state.FinishedAt ?? DateTimeOffset.MinValue, now)
            + Health.HealthViews.StatusSuffix(container);
    }

    public static ContainerSummary Summary(Container container, DateTimeOffset now) => new()
    {
        Id = container.Id,
        Names = ["/" + container.Name],
        Image = container.Config.Image,
        ImageID = container.ImageId,
        Command = ListedCommand(container),
        Created = container.Created.ToUnixTimeSeconds(),
        Ports = [],
        Labels = container.Config.Labels ?? new Dictionary<string, string>(),
        State = container.State.Status.ToApi(),
        Status = StatusText(container, now),
        HostConfig = new ContainerSummaryHostConfig { NetworkMode = container.HostConfig.NetworkMode },
        NetworkSettings = new ContainerSummaryNetworkSettings { Networks = Networks(container) },
        Mounts = Containers.Mounts.MountPointViews.Of(container),
    };

    public static ContainerInspect Inspect(Container container, string containerDirectory, IReadOnlyDictionary<string, string> graphDriverData)
    {
        var state = container.State;
        return new ContainerInspect
        {
            Id = container.Id,
            Created = Time(container.Created),
            Path = container.Path,
            Args = container.Args,
            State = new Modular.Api.Models.ContainerState
            {
                Status = state.Status.ToApi(),
                Running = state.Status is ContainerStatus.Running or ContainerStatus.Paused,
                Paused = state.Status == ContainerStatus.Paused,
                Restarting = state.Status == ContainerStatus.Restarting,
                OOMKilled = state.OomKilled,
                Dead = state.Status == ContainerStatus.Dead,
                Pid = state.Pid,
                ExitCode = state.ExitCode,
                Error = state.Error,
                StartedAt = state.StartedAt is { } started ? Time(started) : ZeroTime,
                FinishedAt = state.FinishedAt is { } finished ? Time(finished) : ZeroTime,
                Health = Health.HealthViews.Inspect(state.Health),
            },
            Image = container.ImageId,
            ResolvConfPath = ContainerFiles.ResolvConfPath(containerDirectory),
            HostnamePath = ContainerFiles.HostnamePath(containerDirectory),
            HostsPath = ContainerFiles.HostsPath(containerDirectory),
            LogPath = container.LogDriver == "json-file" ? Path.Combine(containerDirectory, $"{container.Id}-json.log") : "",
            Name = "/" + container.Name,
            RestartCount = container.RestartCount,
            Driver = container.StorageDriver,
            Platform = "linux",
            MountLabel = "",
            ProcessLabel = "",
            AppArmorProfile = "",
            ExecIDs = null,
            HostConfig = container.HostConfig,
            GraphDriver = new GraphDriverData { Name = container.StorageDriver, Data = new Dictionary<string, string>(graphDriverData) },
            Mounts = Containers.Mounts.MountPointViews.Of(container),
            Config = container.Config,
            NetworkSettings = new NetworkSettings
            {
                SandboxID = "",
                SandboxKey = "",
                Ports = new Dictionary<string, List<PortBinding>?>(),
                Networks = Networks(container),
            },
        };
    }

    private static Dictionary<string, EndpointSettings?> Networks(Container container) => new()
    {
        [container.HostConfig.NetworkMode] = new EndpointSettings(),
    };

    // RFC 3339 with nanosecond precision, as Go prints time.Time.
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z");

    // dockerd's list view: arguments holding a space are wrapped in single quotes, the rest joined as they are.
    private static string ListedCommand(Container container) =>
        string.Join(' ', new[] { container.Path }.Concat(container.Args.Select(a => a.Contains(' ') ? $"'{a}'" : a)));
}
