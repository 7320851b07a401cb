using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>
/// One event as docker's events command shows it: the default line (prettyPrintEvent), or the Go struct
/// events.Message seen by a <c>--format</c> template, with Go field names and <c>{{json .}}</c> in wire shape.
/// </summary>
internal sealed class EventRow(EventMessage message) : ITemplateObject
{
    /// <summary>"&lt;time&gt; &lt;type&gt; &lt;action&gt; &lt;id&gt; (k=v, ...)", attributes sorted by key; time in the local zone
    /// with nine fraction digits (Go's RFC3339NanoFixed).</summary>
    public static string DefaultLine(EventMessage message, TimeZoneInfo zone)
    {
        var line = new StringBuilder();
        if (message.TimeNano != 0)
            line.Append(FixedNanoTime(message.TimeNano, zone)).Append(' ');
        else if (message.Time != 0)
            line.Append(FixedNanoTime(message.Time * 1_000_000_000, zone)).Append(' ');
        line.Append(message.Type).Append(' ').Append(message.Action).Append(' ').Append(message.Actor.ID);
        if (message.Actor.Attributes.Count > 0)
        {
            line.Append(" (")
                .AppendJoin(", ", message.Actor.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value))
                .Append(')');
        }
        return line.ToString();
    }

    /// <summary>Go's "2006-01-02T15:04:05.000000000Z07:00" for Unix nanoseconds.</summary>
    internal static string FixedNanoTime(long unixNanos, TimeZoneInfo zone)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000L, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000L;
        }
        var utc = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var offset = local.Offset == TimeSpan.Zero ? "Z"
            : (local.Offset < TimeSpan.Zero ? "-" : "+") + local.Offset.ToString("hh\\:mm", CultureInfo.InvariantCulture);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "."
            + nanos.ToString("000000000", CultureInfo.InvariantCulture) + offset;
    }

    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "Status" => message.Status ?? "",
            "ID" => message.Id ?? "",
            "From" => message.From ?? "",
            "Type" => message.Type,
            "Action" => message.Action,
            "Actor" => new ActorRow(message.Actor),
            "Scope" => message.Scope,
            "Time" => message.Time,
            "TimeNano" => message.TimeNano,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    /// <summary>Go prints every field of events.Message, empty ones included, in declaration order.</summary>
    public IEnumerable<object?> StructValues() =>
        [message.Status ?? "", message.Id ?? "", message.From ?? "", message.Type, message.Action, new ActorRow(message.Actor),
         message.Scope, message.Time, message.TimeNano];

    /// <summary>events.Message is a plain struct, printed by the json function's encoder, which leaves &lt;, &gt; and &amp; alone.</summary>
    public bool JsonEscapesHtml => false;

    /// <summary>Go's encoding of events.Message: the legacy status/id/from only when set, then the current fields.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (!string.IsNullOrEmpty(message.Status))
            json["status"] = message.Status;
        if (!string.IsNullOrEmpty(message.Id))
            json["id"] = message.Id;
        if (!string.IsNullOrEmpty(message.From))
            json["from"] = message.From;
        json["Type"] = message.Type;
        json["Action"] = message.Action;
        json["Actor"] = new ActorRow(message.Actor).ToJson();
        json["scope"] = message.Scope;
        json["time"] = message.Time;
        json["timeNano"] = message.TimeNano;
        return json;
    }
}

/// <summary>events.Actor: the object's id and its attributes (a map, so printed and encoded in key order).</summary>
internal sealed class ActorRow(EventActor actor) : ITemplateObject
{
    public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
    {
        value = name switch
        {
            "ID" => actor.ID,
            "Attributes" => Attributes(),
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }

    private JsonObject Attributes()
    {
        var attributes = new JsonObject();
        foreach (var (key, text) in actor.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            attributes[key] = text;
        return attributes;
    }

    public JsonObject ToJson() => new() { ["ID"] = actor.ID, ["Attributes"] = Attributes() };

    public bool JsonEscapesHtml => false;
}
