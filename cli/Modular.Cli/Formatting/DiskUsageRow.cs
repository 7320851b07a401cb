using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>One line of docker's <c>system df</c> summary: Images, Containers, Local Volumes, Build Cache.</summary>
internal sealed class DiskUsageRow(string type, int total, int active, long size, long reclaimable, long percentBase) : ITemplateObject
{
    public const string DefaultTable = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Type"] = "TYPE",
        ["TotalCount"] = "TOTAL",
        ["Active"] = "ACTIVE",
        ["Size"] = "SIZE",
        ["Reclaimable"] = "RECLAIMABLE",
    };

    /// <summary>The four summary rows computed from the daemon's answer as docker's formatter computes them.</summary>
    public static IReadOnlyList<DiskUsageRow> For(DiskUsage usage) => [Images(usage), Containers(usage), Volumes(usage), BuildCache(usage)];

    private static DiskUsageRow Images(DiskUsage usage)
    {
        // What running or stopped containers still need cannot be reclaimed: each used image's own (unshared) size.
        long inUse = 0;
        foreach (var image in usage.Images.Where(i => i.Containers != 0))
            if (image.Size != -1 && image.SharedSize != -1)
                inUse += image.Size - image.SharedSize;
        return new DiskUsageRow("Images", usage.Images.Count, usage.Images.Count(i => i.Containers > 0),
            usage.LayersSize, usage.LayersSize - inUse, usage.LayersSize);
    }

    private static DiskUsageRow Containers(DiskUsage usage)
    {
        static bool IsActive(ContainerSummary c) =>
            c.State.Contains("running", StringComparison.Ordinal) || c.State.Contains("paused", StringComparison.Ordinal)
            || c.State.Contains("restarting", StringComparison.Ordinal);
        var total = usage.Containers.Sum(c => c.SizeRw ?? 0);
        var reclaimable = usage.Containers.Where(c => !IsActive(c)).Sum(c => c.SizeRw ?? 0);
        return new DiskUsageRow("Containers", usage.Containers.Count, usage.Containers.Count(IsActive), total, reclaimable, total);
    }

    private static DiskUsageRow Volumes(DiskUsage usage)
    {
        long size = 0, reclaimable = 0;
        var active = 0;
        foreach (var volume in usage.Volumes)
        {
            var (refCount, volumeSize) = VolumeUsage(volume);
            if (refCount > 0)
                active++;
            if (volumeSize == -1)
                continue;
            size += volumeSize;
            if (refCount == 0)
                reclaimable += volumeSize;
        }
        return new DiskUsageRow("Local Volumes", usage.Volumes.Count, active, size, reclaimable, size);
    }

    private static (long RefCount, long Size) VolumeUsage(JsonElement volume) =>
        volume.ValueKind == JsonValueKind.Object && volume.TryGetProperty("UsageData", out var data) && data.ValueKind == JsonValueKind.Object
            ? (Number(data, "RefCount", 0), Number(data, "Size", -1))
            : (0, -1);

    private static DiskUsageRow BuildCache(DiskUsage usage)
    {
        long size = 0, reclaimable = 0;
        var active = 0;
        foreach (var record in usage.BuildCache)
        {
            var inUse = Flag(record, "InUse");
            var shared = Flag(record, "Shared");
            if (inUse)
                active++;
            if (shared)
                continue;
            var recordSize = Number(record, "Size", 0);
            size += recordSize;
            if (!inUse)
                reclaimable += recordSize;
        }
        return new DiskUsageRow("Build Cache", usage.BuildCache.Count, active, size, reclaimable, size);
    }

    private static long Number(JsonElement element, string name, long fallback) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : fallback;

    private static bool Flag(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>go-units HumanSize (four significant digits), as every size in system df.</summary>
    internal static string HumanSize(long bytes) => HumanUnits.Size(bytes, 4);

    private string ReclaimableText() => percentBase > 0
        ? $"{HumanSize(reclaimable)} ({(reclaimable * 100 / percentBase).ToString(CultureInfo.InvariantCulture)}%)"
        : HumanSize(reclaimable);

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "Type" => type,
            "TotalCount" => total.ToString(CultureInfo.InvariantCulture),
            "Active" => active.ToString(CultureInfo.InvariantCulture),
            "Size" => HumanSize(size),
            "Reclaimable" => ReclaimableText(),
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var field in new[] { "Active", "Reclaimable", "Size", "TotalCount", "Type" })
        {
            TryGetField(field, [], out var value);
            json[field] = (string?)value;
        }
        return json;
    }
}
