using System.Buffers;
using System.Text.Json;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>Turns one json-file line back into the message that produced it.</summary>
internal static class JsonLogLineDecoder
{
    /// <summary>Returns null for a line that is not a json-file record (e.g. cut short by a crash).</summary>
    public static LogMessage? TryDecode(ReadOnlySpan<byte> line)
    {
        try
        {
            return Decode(line);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static LogMessage? Decode(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        byte[] text = [];
        var source = LogSource.Stdout;
        DateTimeOffset? time = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("log"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }
                text = ReadStringBytes(ref reader);
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                source = reader.ValueTextEquals("stderr"u8) ? LogSource.Stderr : LogSource.Stdout;
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                    || !GoTime.TryParse(reader.ValueSpan, out var parsed))
                {
                    return null;
                }
                time = parsed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return time is { } t ? new LogMessage(source, text, t) : null;
    }

    private static byte[] ReadStringBytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }
        // Unescaped text is never longer than its escaped form; unescape into scratch space, then keep an exact copy.
        var scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(scratch);
            return scratch.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
