using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Modular.Api.Client;

/// <summary>
/// Reads a stream of concatenated JSON values (progress streams, events). Values need not be newline separated,
/// so each one is found by skipping a complete JSON value rather than by splitting lines.
/// </summary>
public static class JsonMessageStream
{
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        Stream input, JsonTypeInfo<T> typeInfo, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[16 * 1024];
        var start = 0;
        var end = 0;
        var finished = false;

        while (true)
        {
            while (TryCutValue(buffer.AsSpan(start, end - start), finished, out var consumed, out var valueStart, out var valueLength))
            {
                var value = JsonSerializer.Deserialize(buffer.AsSpan(start + valueStart, valueLength), typeInfo)!;
                start += consumed;
                yield return value;
            }

            if (finished)
            {
                var rest = buffer.AsSpan(start, end - start);
                if (rest.Trim(" \t\r\n"u8).Length > 0)
                    throw new JsonException("stream ended inside a JSON value");
                yield break;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);

            var read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                finished = true;
            end += read;
        }
    }

    private static bool TryCutValue(ReadOnlySpan<byte> data, bool isFinal, out int consumed, out int valueStart, out int valueLength)
    {
        consumed = valueStart = valueLength = 0;
        var leading = 0;
        while (leading < data.Length && data[leading] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            leading++;
        if (leading == data.Length)
            return false;

        var reader = new Utf8JsonReader(data[leading..], isFinalBlock: isFinal, state: default);
        try
        {
            if (!reader.Read() || !reader.TrySkip())
                return false;
        }
        catch (JsonException) when (!isFinal)
        {
            return false;
        }

        valueStart = leading;
        valueLength = (int)reader.BytesConsumed;
        consumed = leading + valueLength;
        // A bare number at the end of a non-final block might continue in the next read.
        if (!isFinal && consumed == data.Length && reader.TokenType is JsonTokenType.Number)
            return false;
        return true;
    }
}
