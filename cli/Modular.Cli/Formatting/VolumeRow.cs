using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's volume ls formatter context.</summary>
internal sealed class VolumeRow(Volume volume) : ITemplateObject
{
    public const string DefaultTable = "table {{.Driver}}\t{{.Name}}";
    public const string QuietFormat = "{{.Name}}";

    private static readonly string[] JsonFields = ["Availability", "Driver", "Group", "Labels", "Links", "Mountpoint", "Name", "Scope", "Size", "Status"];

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Name"] = "VOLUME NAME",
        ["Driver"] = "DRIVER",
        ["Scope"] = "SCOPE",
        ["Mountpoint"] = "MOUNTPOINT",
        ["Labels"] = "LABELS",
        ["Label"] = "LABEL",
        ["Links"] = "LINKS",
        ["Size"] = "SIZE",
        ["Group"] = "GROUP",
        ["Availability"] = "AVAILABILITY",
        ["Status"] = "STATUS",
    };

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "Name" => volume.Name,
            "Driver" => volume.Driver,
            "Scope" => volume.Scope,
            "Mountpoint" => volume.Mountpoint,
            "Labels" => string.Join(",", (volume.Labels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")),
            "Label" => arguments.Count == 1 && volume.Labels is { } labels && labels.TryGetValue(TemplateValues.Print(arguments[0]), out var label) ? label : "",
            // Only system df knows these; like docker, ls shows N/A.
            "Links" => volume.UsageData is { RefCount: >= 0 } usage ? usage.RefCount.ToString(System.Globalization.CultureInfo.InvariantCulture) : "N/A",
            "Size" => volume.UsageData is { Size: >= 0 } sized ? DiskUsageRow.HumanSize(sized.Size) : "N/A",
            "Group" or "Availability" => "N/A",
            "Status" => "N/A",
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    public JsonObject ToJson() => ((ITemplateObject)this).FieldsAsJson(JsonFields);
}
