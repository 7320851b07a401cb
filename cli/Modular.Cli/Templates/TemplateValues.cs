using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modular.Cli.Templates;

/// <summary>
/// An object whose fields are computed (docker's formatter contexts: ps and images rows). Field names may take
/// arguments, as docker's <c>{{.Label "key"}}</c> method does.
/// </summary>
internal interface ITemplateObject
{
    /// <summary>The value of a field or method; false when there is no such field.</summary>
    bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value);

    /// <summary>What <c>{{json .}}</c> prints for this object.</summary>
    JsonObject ToJson();

    /// <summary>
    /// True for docker's formatter contexts (ps, images, history, ... rows): their MarshalJSON goes through Go's
    /// json.Marshal, which writes &lt;, &gt; and &amp; as \u003c, \u003e and \u0026 whatever the encoder around it says.
    /// False for API structs docker prints as they are (events).
    /// </summary>
    bool JsonEscapesHtml => true;

    /// <summary>The values Go's %v prints between braces for this struct, in field order.</summary>
    IEnumerable<object?> StructValues() => ToJson().Select(p => TemplateValues.FromJson(p.Value));

    /// <summary>The JSON docker's formatter contexts print: each named field's string value, in the given order.</summary>
    JsonObject FieldsAsJson(IEnumerable<string> fields)
    {
        var json = new JsonObject();
        foreach (var field in fields)
        {
            TryGetField(field, [], out var value);
            json[field] = (string?)value;
        }
        return json;
    }
}

/// <summary>What Go prints for a missing map key.</summary>
internal sealed class NoValue
{
    public static readonly NoValue Instance = new();
    public override string ToString() => "<no value>";
}

/// <summary>Go-like treatment of template values: printing (%v), truth, comparison, JSON encoding.</summary>
internal static class TemplateValues
{
    /// <summary>JSON scalars become string/long/double/bool; objects and arrays stay nodes.</summary>
    public static object? FromJson(JsonNode? node)
    {
        // Typed as object on purpose: a switch expression mixing JsonNode and scalars would be target-typed to
        // JsonNode and silently wrap the scalars back into JsonValues through the implicit conversions.
        if (node is not JsonValue value)
            return node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var integer))
                    return integer;
                return value.GetValue<double>();
            default:
                return null;
        }
    }

    public static string Print(object? value) => value switch
    {
        null => "<nil>",
        NoValue => "<no value>",
        string text => text,
        bool flag => flag ? "true" : "false",
        long integer => integer.ToString(CultureInfo.InvariantCulture),
        int integer => integer.ToString(CultureInfo.InvariantCulture),
        double real => PrintFloat(real),
        JsonArray array => "[" + string.Join(" ", array.Select(item => Print(FromJson(item)))) + "]",
        JsonObject obj => "map[" + string.Join(" ", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + Print(FromJson(p.Value)))) + "]",
        IEnumerable<object?> list => "[" + string.Join(" ", list.Select(Print)) + "]",
        ITemplateObject row => "{" + string.Join(" ", row.StructValues().Select(Print)) + "}",
        _ => value.ToString() ?? "",
    };

    /// <summary>Go's %v for float64: shortest representation, exponent form for very large or small values.</summary>
    public static string PrintFloat(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e21)
            return value.ToString("0", CultureInfo.InvariantCulture);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        if (e < 0)
            return text;
        var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{text[..e]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }

    public static bool IsTrue(object? value) => value switch
    {
        null or NoValue => false,
        bool flag => flag,
        string text => text.Length > 0,
        long integer => integer != 0,
        int integer => integer != 0,
        double real => real != 0,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        ICollection<object?> list => list.Count > 0,
        _ => true,
    };

    public static int Length(object? value) => value switch
    {
        string text => text.Length,
        JsonArray array => array.Count,
        JsonObject obj => obj.Count,
        ICollection<object?> list => list.Count,
        null or NoValue => 0,
        _ => throw new TemplateException($"len of type {TypeName(value)}"),
    };

    public static bool AreEqual(object? left, object? right)
    {
        if (left is NoValue)
            left = null;
        if (right is NoValue)
            right = null;
        return (left, right) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string a, string b) => a == b,
            (bool a, bool b) => a == b,
            (long a, long b) => a == b,
            (long or double or int, long or double or int) => Convert.ToDouble(left, CultureInfo.InvariantCulture) == Convert.ToDouble(right, CultureInfo.InvariantCulture),
            _ => throw new TemplateException($"incompatible types for comparison: {TypeName(left)} and {TypeName(right)}"),
        };
    }

    public static int Compare(object? left, object? right) => (left, right) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (long a, long b) => a.CompareTo(b),
        (long or double or int, long or double or int) =>
            Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture)),
        _ => throw new TemplateException($"incompatible types for comparison: {TypeName(left)} and {TypeName(right)}"),
    };

    public static string TypeName(object? value) => value switch
    {
        null or NoValue => "nil",
        string => "string",
        bool => "bool",
        long or int => "int",
        double => "float64",
        JsonArray or IEnumerable<object?> => "slice",
        JsonObject => "map",
        _ => "struct",
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>docker's <c>json</c> template function: a Go json.Encoder with SetEscapeHTML(false), so &lt;, &gt; and &amp;
    /// stay as they are, except inside a formatter context (<see cref="ITemplateObject.JsonEscapesHtml"/>).</summary>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // In JSON text these three can only stand inside strings, so replacing them everywhere is Go's HTML escaping.
    private static string EscapeHtml(string json) =>
        json.Replace("<", "\\u003c", StringComparison.Ordinal).Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal);

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or NoValue:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case int integer:
                writer.WriteNumberValue(integer);
                break;
            case double real:
                writer.WriteNumberValue(real);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case ITemplateObject { JsonEscapesHtml: true } row:
                writer.WriteRawValue(EscapeHtml(ToJson(row.ToJson())), skipInputValidation: true);
                break;
            case ITemplateObject row:
                row.ToJson().WriteTo(writer);
                break;
            case IEnumerable<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
