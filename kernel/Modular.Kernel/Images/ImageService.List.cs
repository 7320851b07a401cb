using System.Globalization;
using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    private static readonly HashSet<string> ListFilterKeys = ["dangling", "label", "before", "since", "reference", "until"];

    /// <summary>
    /// <c>docker images</c>, newest first. <paramref name="filters"/> as the API's filters map: dangling (true/false),
    /// label (<c>key</c> or <c>key=value</c>, all must match), reference (glob on familiar names), before / since (an
    /// image), until (unix time, RFC 3339 or a duration like <c>10m</c>). <paramref name="all"/> also shows intermediate
    /// images (untagged parents of committed or built images), which dangling=true never lists.
    /// </summary>
    public IReadOnlyList<ImageSummary> List(bool all = false, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null)
    {
        filters ??= new Dictionary<string, IReadOnlyList<string>>();
        foreach (var key in filters.Keys.Where(key => !ListFilterKeys.Contains(key)))
        {
            throw DriverException.InvalidArgument($"invalid filter '{key}'");
        }
        var dangling = Values(filters, "dangling") is { Count: > 0 } danglingValues ? ParseBool("dangling", danglingValues) : (bool?)null;
        var labels = Values(filters, "label");
        var patterns = Values(filters, "reference");
        foreach (var pattern in patterns)
        {
            GlobPattern.IsMatch(pattern, "");
        }
        var until = Values(filters, "until").Select(ParseUntil).ToArray();

        lock (_gate)
        {
            var before = Values(filters, "before").Select(text => CreatedOf(ResolveLocked(text))).ToArray();
            var since = Values(filters, "since").Select(text => CreatedOf(ResolveLocked(text))).ToArray();
            var summaries = new List<ImageSummary>();
            foreach (var image in _images.Values.Select(ToRecord).OrderByDescending(image => image.Created))
            {
                if (before.Any(limit => image.Created >= limit) || since.Any(limit => image.Created <= limit) ||
                    until.Any(limit => image.Created >= limit))
                {
                    continue;
                }
                var imageLabels = image.Config.Labels ?? new Dictionary<string, string>();
                if (!labels.All(filter => MatchesLabel(imageLabels, filter)))
                {
                    continue;
                }
                var tags = image.RepoTags.Where(tag => MatchesAny(patterns, tag)).ToArray();
                var digests = image.RepoDigests.Where(digest => MatchesAny(patterns, digest)).ToArray();
                if (tags.Length == 0 && digests.Length == 0)
                {
                    if (dangling == false || patterns.Count > 0 || ((!all || dangling == true) && _parents.HasChildren(image.Id)))
                    {
                        continue;
                    }
                }
                else if (dangling == true && tags.Length > 0)
                {
                    continue;
                }
                summaries.Add(new ImageSummary(image.Id, image.ParentId, tags, digests, image.Created.ToUnixTimeSeconds(),
                    image.Size, imageLabels, Containers: -1));
            }
            return summaries;
        }
    }

    private DateTimeOffset CreatedOf(string id) => _images[id].Config.Created ?? DateTimeOffset.UnixEpoch;

    private static IReadOnlyList<string> Values(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key) =>
        filters.TryGetValue(key, out var values) ? values : [];

    private static bool ParseBool(string key, IReadOnlyList<string> values)
    {
        var distinct = values.Select(value => value.ToLowerInvariant()).Distinct().ToArray();
        return distinct switch
        {
            ["true" or "1"] => true,
            ["false" or "0"] => false,
            _ => throw DriverException.InvalidArgument($"invalid filter '{key}={string.Join(",", values)}'"),
        };
    }

    private static bool MatchesLabel(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var equals = filter.IndexOf('=');
        return equals < 0
            ? labels.ContainsKey(filter)
            : labels.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
    }

    /// <summary>Docker's FamiliarMatch: the pattern matches the whole familiar reference or just its repository.</summary>
    private static bool MatchesAny(IReadOnlyList<string> patterns, string familiar)
    {
        if (patterns.Count == 0)
        {
            return true;
        }
        var repository = ImageReference.Parse(familiar).FamiliarRepository;
        return patterns.Any(pattern => GlobPattern.IsMatch(pattern, familiar) || GlobPattern.IsMatch(pattern, repository));
    }

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
        if (GoDuration.TryParse(value, out var duration))
        {
            return DateTimeOffset.UtcNow - duration;
        }
        throw DriverException.InvalidArgument($"invalid filter 'until={value}'");
    }
}
