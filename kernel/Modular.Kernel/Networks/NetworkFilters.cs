using System.Globalization;
using System.Text.RegularExpressions;
using Modular.Api.Json;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>
/// The <c>filters</c> of <c>GET /networks</c> and <c>POST /networks/prune</c>, with dockerd's keys and meanings: driver
/// (exact), id and name (regular expressions, as Go's filters.Match), label (<c>key</c> or <c>key=value</c>, all must
/// hold), type (<c>custom</c> or <c>builtin</c>), dangling (no container attached, predefined networks excluded),
/// and for prune <c>until</c>.
/// </summary>
public sealed class NetworkFilters
{
    private static readonly HashSet<string> ListKeys = ["driver", "id", "label", "name", "scope", "type", "dangling"];
    private static readonly HashSet<string> PruneKeys = ["label", "label!", "until"];
    private static readonly string[] Predefined = ["bridge", "host", "none"];

    private readonly DockerFilters _filters;
    private readonly DateTimeOffset? _until;

    private NetworkFilters(DockerFilters filters, DateTimeOffset? until)
    {
        _filters = filters;
        _until = until;
    }

    public static NetworkFilters ForList(string? json) => Parse(json, ListKeys);

    public static NetworkFilters ForPrune(string? json) => Parse(json, PruneKeys);

    private static NetworkFilters Parse(string? json, HashSet<string> allowed)
    {
        DockerFilters filters;
        try
        {
            filters = DockerFilters.Parse(json);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw DriverException.InvalidArgument(e.Message);
        }
        foreach (var key in filters.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw DriverException.InvalidArgument($"invalid filter '{key}'");
            }
        }
        foreach (var type in filters.Get("type"))
        {
            if (type is not ("custom" or "builtin"))
            {
                throw DriverException.InvalidArgument($"invalid filter: 'type'='{type}'");
            }
        }
        foreach (var dangling in filters.Get("dangling"))
        {
            if (dangling is not ("true" or "false" or "1" or "0"))
            {
                throw DriverException.InvalidArgument($"invalid filter 'dangling={dangling}'");
            }
        }
        var until = filters.Get("until").FirstOrDefault() is { } text ? ParseUntil(text) : (DateTimeOffset?)null;
        return new NetworkFilters(filters, until);
    }

    // Unix seconds, an RFC 3339 time, or a duration before now ("24h"), as for images.
    private static DateTimeOffset ParseUntil(string value)
    {
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        if (Images.GoDuration.TryParse(value, out var duration))
        {
            return DateTimeOffset.UtcNow - duration;
        }
        throw DriverException.InvalidArgument($"invalid filter 'until={value}'");
    }

    /// <summary>Whether the network is predefined (bridge, host, none): never dangling, never pruned, type builtin.</summary>
    public static bool IsPredefined(NetworkRecord network) => network.IsDefault || Predefined.Contains(network.Name);

    /// <summary>Whether <paramref name="network"/> passes every filter; <paramref name="inUse"/> says whether a container is attached.</summary>
    public bool Matches(NetworkRecord network, bool inUse)
    {
        if (_filters.Contains("driver") && !_filters.Get("driver").Contains(network.Driver))
        {
            return false;
        }
        if (_filters.Contains("id") && !_filters.Get("id").Any(f => GoMatch(f, network.Id)))
        {
            return false;
        }
        if (_filters.Contains("name") && !_filters.Get("name").Any(f => GoMatch(f, network.Name)))
        {
            return false;
        }
        if (_filters.Contains("scope") && !_filters.Get("scope").Contains(network.Scope))
        {
            return false;
        }
        if (!_filters.Get("label").All(l => HasLabel(network, l)))
        {
            return false;
        }
        if (_filters.Get("label!").Any(l => HasLabel(network, l)))
        {
            return false;
        }
        if (_filters.Contains("type") && !_filters.Get("type").Contains(IsPredefined(network) ? "builtin" : "custom"))
        {
            return false;
        }
        if (_filters.Get("dangling").FirstOrDefault() is { } dangling)
        {
            var isDangling = !inUse && !IsPredefined(network);
            if (isDangling != (dangling is "true" or "1"))
            {
                return false;
            }
        }
        return _until is not { } until || network.Created < until;
    }

    private static bool HasLabel(NetworkRecord network, string filter)
    {
        var parts = filter.Split('=', 2);
        return parts.Length == 1
            ? network.Labels.ContainsKey(parts[0])
            : network.Labels.TryGetValue(parts[0], out var value) && value == parts[1];
    }

    // Go's filters.Match: the value is a regular expression searched anywhere in the candidate; a value that is not a
    // valid expression matches nothing.
    private static bool GoMatch(string pattern, string candidate)
    {
        try
        {
            return Regex.IsMatch(candidate, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
