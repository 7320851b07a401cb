using System.Globalization;
using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's stats formatter context: the fields <c>docker stats --format</c> offers.</summary>
internal sealed class StatsRow(StatsEntry entry, bool truncate) : ITemplateObject
{
    public const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Container"] = "CONTAINER",
        ["Name"] = "NAME",
        ["ID"] = "CONTAINER ID",
        ["CPUPerc"] = "CPU %",
        ["MemUsage"] = "MEM USAGE / LIMIT",
        ["MemPerc"] = "MEM %",
        ["NetIO"] = "NET I/O",
        ["BlockIO"] = "BLOCK I/O",
        ["PIDs"] = "PIDS",
    };

    /// <summary>docker marshals the context's methods in name order.</summary>
    private static readonly string[] JsonFields = ["BlockIO", "CPUPerc", "Container", "ID", "MemPerc", "MemUsage", "Name", "NetIO", "PIDs"];

    public string Name => entry.Name.Length > 1 ? entry.Name[1..] : "--";
    public string ID => truncate ? TextUtil.TruncateId(entry.Id) : entry.Id;
    public string CPUPerc => entry.IsInvalid ? "--" : Percentage(entry.CpuPercentage);
    public string MemUsage => entry.IsInvalid ? "-- / --" : BytesSize(entry.Memory) + " / " + BytesSize(entry.MemoryLimit);
    public string MemPerc => entry.IsInvalid ? "--" : Percentage(entry.MemoryPercentage);
    public string NetIO => entry.IsInvalid ? "--" : HumanUnits.Size(entry.NetworkRx) + " / " + HumanUnits.Size(entry.NetworkTx);
    public string BlockIO => entry.IsInvalid ? "--" : HumanUnits.Size(entry.BlockRead) + " / " + HumanUnits.Size(entry.BlockWrite);
    public string PIDs => entry.IsInvalid ? "--" : entry.PidsCurrent.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

    /// <summary>go-units BytesSize: binary units, Go's %.4g ("1.953MiB", "7.629GiB").</summary>
    public static string BytesSize(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < BinaryUnits.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return GoFormat.G(bytes, 4) + BinaryUnits[unit];
    }

    private static string Percentage(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "%";

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "Container" => entry.Container,
            "Name" => Name,
            "ID" => ID,
            "CPUPerc" => CPUPerc,
            "MemUsage" => MemUsage,
            "MemPerc" => MemPerc,
            "NetIO" => NetIO,
            "BlockIO" => BlockIO,
            "PIDs" => PIDs,
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
