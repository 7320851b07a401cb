using System.Globalization;
using System.Text.Json.Nodes;
using Modular.Api.Formatting;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>Docker's history formatter context: one row per history entry, newest first.</summary>
internal sealed class HistoryRow(HistoryItem item, bool human, bool truncate, DateTimeOffset now) : ITemplateObject
{
    public const string HumanTable = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    public const string NonHumanTable = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    public const string QuietFormat = "{{.ID}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "IMAGE",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["CreatedBy"] = "CREATED BY",
        ["Size"] = "SIZE",
        ["Comment"] = "COMMENT",
    };

    private static readonly string[] JsonFields = ["Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"];

    public string ID => truncate ? TextUtil.TruncateId(item.Id) : item.Id;

    /// <summary>Go's time.RFC3339 in local time.</summary>
    public string CreatedAt => DateTimeOffset.FromUnixTimeSeconds(item.Created).ToLocalTime()
        .ToString(DateTimeOffset.FromUnixTimeSeconds(item.Created).ToLocalTime().Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public string CreatedSince => human ? HumanUnits.Ago(DateTimeOffset.FromUnixTimeSeconds(item.Created), now) : CreatedAt;

    public string CreatedBy
    {
        get
        {
            var createdBy = item.CreatedBy.Replace('\t', ' ');
            return truncate ? TextUtil.Ellipsis(createdBy, 45) : createdBy;
        }
    }

    public string Size => human ? HumanUnits.Size(item.Size) : item.Size.ToString(CultureInfo.InvariantCulture);

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "ID" => ID,
            "CreatedSince" => CreatedSince,
            "CreatedAt" => CreatedAt,
            "CreatedBy" => CreatedBy,
            "Size" => Size,
            "Comment" => item.Comment,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    public JsonObject ToJson() => ((ITemplateObject)this).FieldsAsJson(JsonFields);
}
