using Modular.Api.Json;
using Modular.Sdk;

namespace Modular.Kernel.Volumes;

/// <summary>
/// The <c>filters</c> of GET /volumes (dangling, driver, label, name) and POST /volumes/prune (label, label!, all),
/// with Docker's keys and meanings: a label filter is "key" or "key=value", name matches a substring.
/// </summary>
public sealed class VolumeFilters
{
    private static readonly HashSet<string> ListKeys = ["dangling", "driver", "label", "name"];
    private static readonly HashSet<string> PruneKeys = ["label", "label!", "all"];

    private readonly DockerFilters _filters;

    private VolumeFilters(DockerFilters filters) => _filters = filters;

    public static VolumeFilters ForList(string? json) => new(Checked(json, ListKeys));

    public static VolumeFilters ForPrune(string? json) => new(Checked(json, PruneKeys));

    /// <summary>prune's <c>all</c> filter: also named volumes (otherwise only anonymous ones, since API 1.42).</summary>
    public bool All => _filters.Get("all").Any(value => IsTrue("all", value));

    public bool Matches(VolumeRecord volume, bool inUse)
    {
        foreach (var dangling in _filters.Get("dangling"))
        {
            if (IsTrue("dangling", dangling) == inUse)
            {
                return false;
            }
        }
        if (_filters.Contains("driver") && !_filters.Get("driver").Contains(volume.Driver))
        {
            return false;
        }
        if (_filters.Contains("name") && !_filters.Get("name").Any(n => volume.Name.Contains(n, StringComparison.Ordinal)))
        {
            return false;
        }
        if (_filters.Get("label").Any(label => !HasLabel(volume, label)))
        {
            return false;
        }
        return !_filters.Get("label!").Any(label => HasLabel(volume, label));
    }

    private static bool HasLabel(VolumeRecord volume, string filter)
    {
        var eq = filter.IndexOf('=');
        return eq < 0
            ? volume.Labels.ContainsKey(filter)
            : volume.Labels.TryGetValue(filter[..eq], out var value) && value == filter[(eq + 1)..];
    }

    private static bool IsTrue(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw DriverException.InvalidArgument($"invalid filter '{key}={value}'"),
    };

    private static DockerFilters Checked(string? json, HashSet<string> allowed)
    {
        var filters = DockerFilters.Parse(json);
        foreach (var key in filters.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw DriverException.InvalidArgument($"invalid filter '{key}'");
            }
        }
        return filters;
    }
}
