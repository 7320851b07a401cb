using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's ps formatter context: the fields <c>docker ps --format</c> offers, computed from a summary.</summary>
internal sealed class ContainerRow(ContainerSummary container, bool truncate, DateTimeOffset now) : ITemplateObject
{
    public const string DefaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    public const string QuietFormat = "{{.ID}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "CONTAINER ID",
        ["Image"] = "IMAGE",
        ["Command"] = "COMMAND",
        ["CreatedAt"] = "CREATED AT",
        ["RunningFor"] = "CREATED",
        ["Ports"] = "PORTS",
        ["State"] = "STATE",
        ["Status"] = "STATUS",
        ["Size"] = "SIZE",
        ["Names"] = "NAMES",
        ["Labels"] = "LABELS",
        ["Label"] = "LABEL",
        ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES",
        ["Networks"] = "NETWORKS",
        ["Platform"] = "PLATFORM",
    };

    private static readonly string[] JsonFields =
        ["Command", "CreatedAt", "ID", "Image", "Labels", "LocalVolumes", "Mounts", "Names", "Networks", "Ports", "RunningFor", "Size", "State", "Status"];

    public string ID => truncate ? TextUtil.TruncateId(container.Id) : container.Id;

    public string Names
    {
        get
        {
            var names = (container.Names ?? []).Select(n => n.TrimStart('/'));
            if (truncate)
                names = names.Where(n => !n.Contains('/')).Take(1);
            return string.Join(",", names);
        }
    }

    public string Image
    {
        get
        {
            if (container.Image.Length == 0)
                return "<no image>";
            if (!truncate)
                return container.Image;
            if (container.Image.StartsWith("sha256:", StringComparison.Ordinal))
                return TextUtil.TruncateId(container.Image);
            var at = container.Image.IndexOf('@');
            return at > 0 && TextUtil.SplitReference(container.Image).Tag is not null ? container.Image[..at] : container.Image;
        }
    }

    public string Command => TextUtil.GoQuote(truncate ? TextUtil.Ellipsis(container.Command, 20) : container.Command);

    public string CreatedAt => GoFormat.TimeString(DateTimeOffset.FromUnixTimeSeconds(container.Created));

    public string RunningFor => HumanUnits.Ago(DateTimeOffset.FromUnixTimeSeconds(container.Created), now);

    public string Ports => string.Join(", ", (container.Ports ?? [])
        .OrderBy(p => p.PrivatePort).ThenBy(p => p.Type, StringComparer.Ordinal).ThenBy(p => p.IP, StringComparer.Ordinal)
        .Select(p => p.PublicPort != 0
            ? $"{(string.IsNullOrEmpty(p.IP) ? "" : (p.IP.Contains(':') ? $"[{p.IP}]" : p.IP) + ":")}{p.PublicPort}->{p.PrivatePort}/{p.Type}"
            : $"{p.PrivatePort}/{p.Type}")
        .Distinct());

    public string Size
    {
        get
        {
            var rw = HumanUnits.Size(container.SizeRw ?? 0);
            return container.SizeRootFs is > 0 ? $"{rw} (virtual {HumanUnits.Size(container.SizeRootFs.Value)})" : rw;
        }
    }

    public string Labels => string.Join(",", (container.Labels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public string Mounts => string.Join(",", (container.Mounts ?? []).Select(m =>
    {
        var name = string.IsNullOrEmpty(m.Name) ? m.Source : m.Name;
        return truncate ? TextUtil.Ellipsis(name, 15) : name;
    }));

    public string LocalVolumes => (container.Mounts ?? []).Count(m => m.Type == "volume" && (m.Driver ?? "local") == "local").ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Networks => string.Join(",", (container.NetworkSettings?.Networks ?? []).Keys.Order(StringComparer.Ordinal));

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "ID" => ID,
            "Names" => Names,
            "Image" => Image,
            "Command" => Command,
            "CreatedAt" => CreatedAt,
            "RunningFor" => RunningFor,
            "Ports" => Ports,
            "State" => container.State,
            "Status" => container.Status,
            "Size" => Size,
            "Labels" => Labels,
            "Label" => arguments.Count == 1 && container.Labels is { } labels && labels.TryGetValue(TemplateValues.Print(arguments[0]), out var label) ? label : "",
            "Mounts" => Mounts,
            "LocalVolumes" => LocalVolumes,
            "Networks" => Networks,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    public JsonObject ToJson()
    {
        var json = ((ITemplateObject)this).FieldsAsJson(JsonFields);
        // docker's context has a Platform method that is nil unless the daemon reports an image platform.
        json.Insert(json.IndexOf("Ports"), "Platform", null);
        return json;
    }
}
