using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Json;

/// <summary>
/// Docker's <c>strslice.StrSlice</c>: <c>Cmd</c>, <c>Entrypoint</c>, <c>Shell</c>, <c>CapAdd</c> accept either a
/// JSON array or a single string (older clients send <c>"Cmd": "echo hi"</c>). Always written as an array.
/// </summary>
public sealed class StringSliceConverter : JsonConverter<List<string>?>
{
    public override bool HandleNull => true;

    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                        throw new JsonException("expected a string in a string-or-array value");
                    items.Add(reader.GetString()!);
                }
                return items;
            default:
                throw new JsonException($"expected a string or an array of strings, got {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartArray();
        foreach (var item in value)
            writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}
