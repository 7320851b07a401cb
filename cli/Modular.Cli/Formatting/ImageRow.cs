using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's images formatter context: one row per repository:tag (or per digest with --digests).</summary>
internal sealed class ImageRow(ImageSummary image, string repository, string tag, string digest, bool truncate, DateTimeOffset now) : ITemplateObject
{
    public const string DefaultTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    public const string DigestsTable = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    public const string QuietFormat = "{{.ID}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "IMAGE ID",
        ["Repository"] = "REPOSITORY",
        ["Tag"] = "TAG",
        ["Digest"] = "DIGEST",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["Size"] = "SIZE",
        ["Containers"] = "CONTAINERS",
        ["VirtualSize"] = "VIRTUAL SIZE",
        ["SharedSize"] = "SHARED SIZE",
        ["UniqueSize"] = "UNIQUE SIZE",
    };

    private static readonly string[] JsonFields =
        ["Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository", "SharedSize", "Size", "Tag", "UniqueSize", "VirtualSize"];

    /// <summary>Expands images into rows the way docker's image formatter does.</summary>
    public static IEnumerable<ImageRow> For(IEnumerable<ImageSummary> images, bool showDigests, bool truncate, DateTimeOffset now)
    {
        foreach (var image in images)
        {
            var tagsByRepo = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var reference in image.RepoTags ?? [])
            {
                var (repo, tag) = TextUtil.SplitReference(reference);
                if (tag is null || reference == "<none>:<none>")
                    continue;
                var familiar = TextUtil.FamiliarName(repo);
                if (!tagsByRepo.TryGetValue(familiar, out var tags))
                    tagsByRepo[familiar] = tags = [];
                tags.Add(tag);
            }

            var digestsByRepo = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var reference in image.RepoDigests ?? [])
            {
                var at = reference.IndexOf('@');
                if (at <= 0 || reference == "<none>@<none>")
                    continue;
                var familiar = TextUtil.FamiliarName(reference[..at]);
                if (!digestsByRepo.TryGetValue(familiar, out var digests))
                    digestsByRepo[familiar] = digests = [];
                digests.Add(reference[(at + 1)..]);
            }

            var produced = false;
            foreach (var (repo, tags) in tagsByRepo)
            {
                digestsByRepo.Remove(repo, out var digests);
                if (!showDigests)
                    digests = null;
                foreach (var tag in tags)
                {
                    if (digests is not { Count: > 0 })
                    {
                        yield return new ImageRow(image, repo, tag, "<none>", truncate, now);
                        produced = true;
                        continue;
                    }
                    foreach (var digest in digests)
                    {
                        yield return new ImageRow(image, repo, tag, digest, truncate, now);
                        produced = true;
                    }
                }
            }

            foreach (var (repo, digests) in digestsByRepo)
            {
                if (showDigests)
                {
                    foreach (var digest in digests)
                        yield return new ImageRow(image, repo, "<none>", digest, truncate, now);
                }
                else
                {
                    yield return new ImageRow(image, repo, "<none>", "", truncate, now);
                }
                produced = true;
            }

            if (!produced)
                yield return new ImageRow(image, "<none>", "<none>", "<none>", truncate, now);
        }
    }

    public string ID => truncate ? TextUtil.TruncateId(image.Id) : image.Id;
    public string CreatedSince => image.Created <= 0 ? "N/A" : HumanUnits.Ago(DateTimeOffset.FromUnixTimeSeconds(image.Created), now);
    public string CreatedAt => GoFormat.TimeString(DateTimeOffset.FromUnixTimeSeconds(image.Created));
    public string Size => HumanUnits.Size(image.Size);
    public string SharedSize => image.SharedSize == -1 ? "N/A" : HumanUnits.Size(image.SharedSize, 4);
    public string UniqueSize => image.SharedSize == -1 || image.Size == -1 ? "N/A" : HumanUnits.Size(image.Size - image.SharedSize, 4);
    public string Containers => image.Containers == -1 ? "N/A" : image.Containers.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "ID" => ID,
            "Repository" => repository,
            "Tag" => tag,
            "Digest" => digest,
            "CreatedSince" => CreatedSince,
            "CreatedAt" => CreatedAt,
            "Size" => Size,
            "VirtualSize" => HumanUnits.Size(image.Size, 4),
            "SharedSize" => SharedSize,
            "UniqueSize" => UniqueSize,
            "Containers" => Containers,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    public JsonObject ToJson()
    {
        var json = ((ITemplateObject)this).FieldsAsJson(JsonFields);
        return json;
    }
}
