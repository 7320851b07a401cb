using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary><c>system df -v</c>: four tables (images, containers, local volumes, build cache), each aligned on its own.</summary>
internal static class DiskUsageVerbose
{
    private const string ImageTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";
    private const string ContainerTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}";
    private const string VolumeTable = "table {{.Name}}\t{{.Links}}\t{{.Size}}";
    private const string BuildCacheTable = "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}";

    public static string Render(DiskUsage usage, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append("Images space usage:\n\n");
        text.Append(TableOutput.Render(ImageTable, ImageTable, usage.Images.Select(i => FirstTagRow(i, now)), ImageRow.Headers));

        text.Append("\nContainers space usage:\n\n");
        // The virtual size is left out here: only the writable layer counts.
        var containers = usage.Containers.Select(c => new ContainerRow(WithoutVirtualSize(c), truncate: true, now));
        text.Append(TableOutput.Render(ContainerTable, ContainerTable, containers, ContainerRow.Headers));

        text.Append("\nLocal Volumes space usage:\n\n");
        text.Append(TableOutput.Render(VolumeTable, VolumeTable, usage.Volumes.Select(v => new JsonRow(v, now)), JsonRow.Headers));

        var builderSize = usage.BuildCache.Where(b => !JsonRow.Flag(b, "Shared")).Sum(b => JsonRow.Number(b, "Size") ?? 0);
        text.Append($"\nBuild cache usage: {DiskUsageRow.HumanSize(builderSize)}\n\n");
        text.Append(TableOutput.Render(BuildCacheTable, BuildCacheTable, usage.BuildCache.Select(b => new JsonRow(b, now)), JsonRow.Headers));
        return text.ToString();
    }

    /// <summary>df shows one row per image, named by its first tag only.</summary>
    private static ImageRow FirstTagRow(ImageSummary image, DateTimeOffset now)
    {
        var repository = "<none>";
        var tag = "<none>";
        if (image.RepoTags is [var first, ..] && first != "<none>:<none>")
        {
            var (repo, parsedTag) = TextUtil.SplitReference(first);
            if (parsedTag is not null)
            {
                repository = TextUtil.FamiliarName(repo);
                tag = parsedTag;
            }
        }
        return new ImageRow(image, repository, tag, "<none>", truncate: true, now);
    }

    private static ContainerSummary WithoutVirtualSize(ContainerSummary container)
    {
        container.SizeRootFs = 0;
        return container;
    }

    /// <summary>Volumes and build-cache records, which this client reads as plain JSON.</summary>
    private sealed class JsonRow(JsonElement element, DateTimeOffset now) : ITemplateObject
    {
        public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
        {
            ["Name"] = "VOLUME NAME",
            ["Links"] = "LINKS",
            ["Size"] = "SIZE",
            ["ID"] = "CACHE ID",
            ["CacheType"] = "CACHE TYPE",
            ["CreatedSince"] = "CREATED",
            ["LastUsedSince"] = "LAST USED",
            ["UsageCount"] = "USAGE",
            ["Shared"] = "SHARED",
        };

        public static long? Number(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : null;

        public static bool Flag(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

        private string Text(string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

        private JsonElement Usage => element.ValueKind == JsonValueKind.Object && element.TryGetProperty("UsageData", out var data) ? data : default;

        private string Since(string name) =>
            DateTimeOffset.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
                ? HumanUnits.Ago(moment, now) : "";

        public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
        {
            value = name switch
            {
                "Name" => Text("Name"),
                "Links" => Number(Usage, "RefCount") is { } links and >= 0 ? links.ToString(CultureInfo.InvariantCulture) : "N/A",
                "Size" when element.TryGetProperty("UsageData", out _) => Number(Usage, "Size") is { } size and >= 0 ? DiskUsageRow.HumanSize(size) : "N/A",
                "Size" => DiskUsageRow.HumanSize(Number(element, "Size") ?? 0),
                "ID" => Text("ID"),
                "CacheType" => Text("Type"),
                "CreatedSince" => Since("CreatedAt"),
                "LastUsedSince" => Since("LastUsedAt"),
                "UsageCount" => (Number(element, "UsageCount") ?? 0).ToString(CultureInfo.InvariantCulture),
                "Shared" => Flag(element, "Shared") ? "true" : "false",
                _ => NoValue.Instance,
            };
            return value is not NoValue;
        }

        public JsonObject ToJson() => JsonNode.Parse(element.GetRawText()) as JsonObject ?? new JsonObject();
    }
}
