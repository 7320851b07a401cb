using Modular.Api.Json;
using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>The `filters` of GET /containers/json, with Docker's keys and semantics.</summary>
public sealed class ContainerFilters
{
    private static readonly HashSet<string> Allowed =
        ["id", "name", "label", "status", "ancestor", "exited", "before", "since", "network", "volume", "health", "publish", "expose", "isolation", "is-task"];

    private static readonly HashSet<string> Statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

    private readonly DockerFilters _filters;
    private readonly Func<string, IReadOnlyList<string>> _imageIdsMatching;
    private readonly Container? _before;
    private readonly Container? _since;

    public ContainerFilters(string? json, ContainerStore store, Func<string, IReadOnlyList<string>> imageIdsMatching)
    {
        _filters = DockerFilters.Parse(json);
        foreach (var key in _filters.Keys)
        {
            if (!Allowed.Contains(key))
            {
                throw DriverException.InvalidArgument($"invalid filter '{key}'");
            }
        }
        foreach (var status in _filters.Get("status"))
        {
            if (!Statuses.Contains(status))
            {
                throw DriverException.InvalidArgument($"invalid filter 'status={status}'");
            }
        }
        foreach (var exited in _filters.Get("exited"))
        {
            if (!int.TryParse(exited, out _))
            {
                throw DriverException.InvalidArgument($"invalid filter 'exited={exited}'");
            }
        }
        Health.HealthViews.ValidateFilter(_filters.Get("health"));
        _imageIdsMatching = imageIdsMatching;
        _before = _filters.Get("before").Select(store.Get).FirstOrDefault();
        _since = _filters.Get("since").Select(store.Get).FirstOrDefault();
    }

    /// <summary>Whether the filters ask for stopped containers too (a status or exited filter implies --all).</summary>
    public bool ImpliesAll => _filters.Contains("status") || _filters.Contains("exited");

    public bool Matches(Container container)
    {
        if (_filters.Contains("id") && !_filters.Get("id").Any(id => container.Id.StartsWith(id, StringComparison.Ordinal)))
        {
            return false;
        }
        if (_filters.Contains("name") && !_filters.Get("name").Any(n =>
                System.Text.RegularExpressions.Regex.IsMatch("/" + container.Name, n) || System.Text.RegularExpressions.Regex.IsMatch(container.Name, n)))
        {
            return false;
        }
        if (_filters.Contains("status") && !_filters.Get("status").Contains(container.State.Status.ToApi()))
        {
            return false;
        }
        if (_filters.Contains("exited") && (container.State.Status != ContainerStatus.Exited
            || !_filters.Get("exited").Contains(container.State.ExitCode.ToString())))
        {
            return false;
        }
        if (_filters.Contains("label") && !_filters.Get("label").All(l => HasLabel(container, l)))
        {
            return false;
        }
        if (_filters.Contains("ancestor") && !_filters.Get("ancestor").Any(a => _imageIdsMatching(a).Contains(container.ImageId)))
        {
            return false;
        }
        if (_filters.Contains("network") && !_filters.Get("network").Contains(container.HostConfig.NetworkMode))
        {
            return false;
        }
        if (_filters.Contains("volume") && !_filters.Get("volume").Any(v => container.MountPoints.Any(m => m.Name == v || m.Destination == v)))
        {
            return false;
        }
        if (_filters.Contains("health") && !_filters.Get("health").Contains(Health.HealthViews.FilterValue(container)))
        {
            return false;
        }
        if (_before is not null && container.Created >= _before.Created)
        {
            return false;
        }
        if (_since is not null && container.Created <= _since.Created)
        {
            return false;
        }
        return true;
    }

    private static bool HasLabel(Container container, string filter)
    {
        var labels = container.Config.Labels ?? [];
        var parts = filter.Split('=', 2);
        return parts.Length == 1
            ? labels.ContainsKey(parts[0])
            : labels.TryGetValue(parts[0], out var value) && value == parts[1];
    }
}
