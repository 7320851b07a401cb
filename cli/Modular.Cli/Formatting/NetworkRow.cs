using System.Globalization;
using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's network ls formatter context.</summary>
internal sealed class NetworkRow(NetworkSummary network, bool truncate) : ITemplateObject
{
    public const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
    public const string QuietFormat = "{{.ID}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "NETWORK ID",
        ["Name"] = "NAME",
        ["Driver"] = "DRIVER",
        ["Scope"] = "SCOPE",
        ["IPv6"] = "IPV6",
        ["Internal"] = "INTERNAL",
        ["Labels"] = "LABELS",
        ["Label"] = "LABEL",
        ["CreatedAt"] = "CREATED",
    };

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "ID" => truncate ? TextUtil.TruncateId(network.Id) : network.Id,
            "Name" => network.Name,
            "Driver" => network.Driver,
            "Scope" => network.Scope,
            "IPv4" => network.EnableIPv4 ? "true" : "false",
            "IPv6" => network.EnableIPv6 ? "true" : "false",
            "Internal" => network.Internal ? "true" : "false",
            "Labels" => string.Join(",", (network.Labels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")),
            "Label" => arguments.Count == 1 && network.Labels is { } labels && labels.TryGetValue(TemplateValues.Print(arguments[0]), out var label) ? label : "",
            "CreatedAt" => DateTimeOffset.TryParse(network.Created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
                ? GoFormat.TimeString(created, FractionDigits(network.Created)) : network.Created,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    /// <summary>The sub-second digits of an RFC 3339 time as written (up to nanoseconds, which DateTimeOffset cannot hold).</summary>
    private static string? FractionDigits(string rfc3339)
    {
        var dot = rfc3339.IndexOf('.');
        if (dot < 0)
            return null;
        var end = dot + 1;
        while (end < rfc3339.Length && char.IsDigit(rfc3339[end]))
            end++;
        return rfc3339[(dot + 1)..end];
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var field in new[] { "CreatedAt", "Driver", "ID", "IPv4", "IPv6", "Internal", "Labels", "Name", "Scope" })
        {
            TryGetField(field, [], out var value);
            json[field] = (string?)value;
        }
        return json;
    }
}
