using System.Buffers;
using System.Text;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Writes one message as Docker's json-file line, byte for byte what dockerd writes:
/// <c>{"log":"…","stream":"stdout","time":"…"}</c> and a newline. The log text is escaped as Go's encoder escapes it
/// (<c>\n \r \" \\</c>; every other control byte, tab included, and <c>&lt; &gt; &amp;</c> as <c>\u00XX</c>; U+2028/U+2029
/// escaped; each invalid UTF-8 byte replaced by <c>\ufffd</c>), as checked against dockerd 20.10's own files.
/// </summary>
internal static class JsonLogLineEncoder
{
    private static readonly SearchValues<byte> NeedsAttention = SearchValues.Create(BuildAttentionSet());
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>The buffer size that always fits the encoded form of a line of <paramref name="lineLength"/> bytes.</summary>
    public static int MaxEncodedLength(int lineLength) => lineLength * 6 + 96;

    /// <summary>Encodes into <paramref name="destination"/>, which must hold <see cref="MaxEncodedLength"/> bytes.</summary>
    public static int Encode(LogMessage message, Span<byte> destination)
    {
        var pos = 0;
        Append(destination, ref pos, "{"u8);
        var line = message.Line.Span;
        var wroteField = false;
        // Like dockerd, an empty message has no "log" field at all.
        if (!line.IsEmpty)
        {
            Append(destination, ref pos, "\"log\":\""u8);
            pos += EscapeInto(line, destination[pos..]);
            Append(destination, ref pos, "\""u8);
            wroteField = true;
        }
        if (wroteField)
        {
            Append(destination, ref pos, ","u8);
        }
        Append(destination, ref pos, message.Source == LogSource.Stderr ? "\"stream\":\"stderr\""u8 : "\"stream\":\"stdout\""u8);
        Append(destination, ref pos, ",\"time\":\""u8);
        pos += GoTime.Write(message.Timestamp, destination[pos..]);
        Append(destination, ref pos, "\"}\n"u8);
        return pos;
    }

    private static int EscapeInto(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            var plain = source.IndexOfAny(NeedsAttention);
            if (plain < 0)
            {
                source.CopyTo(destination[written..]);
                return written + source.Length;
            }
            source[..plain].CopyTo(destination[written..]);
            written += plain;
            source = source[plain..];

            var b = source[0];
            if (b < 0x80)
            {
                written += EscapeAscii(b, destination[written..]);
                source = source[1..];
                continue;
            }
            var status = Rune.DecodeFromUtf8(source, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                // Go's decoder rejects one byte at a time, so each invalid byte becomes one replacement character.
                "\\ufffd"u8.CopyTo(destination[written..]);
                written += 6;
                source = source[1..];
                continue;
            }
            if (rune.Value is 0x2028 or 0x2029)
            {
                "\\u202"u8.CopyTo(destination[written..]);
                destination[written + 5] = Hex[rune.Value & 0xF];
                written += 6;
            }
            else
            {
                source[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            source = source[consumed..];
        }
        return written;
    }

    private static int EscapeAscii(byte b, Span<byte> destination)
    {
        switch (b)
        {
            case (byte)'"':
            case (byte)'\\':
                destination[0] = (byte)'\\';
                destination[1] = b;
                return 2;
            case (byte)'\n':
                destination[0] = (byte)'\\';
                destination[1] = (byte)'n';
                return 2;
            case (byte)'\r':
                destination[0] = (byte)'\\';
                destination[1] = (byte)'r';
                return 2;
            default:
                "\\u00"u8.CopyTo(destination);
                destination[4] = Hex[b >> 4];
                destination[5] = Hex[b & 0xF];
                return 6;
        }
    }

    private static void Append(Span<byte> destination, ref int pos, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination[pos..]);
        pos += text.Length;
    }

    private static byte[] BuildAttentionSet()
    {
        var set = new List<byte>();
        for (var b = 0; b < 0x20; b++)
        {
            set.Add((byte)b);
        }
        set.AddRange("\"\\<>&"u8.ToArray());
        for (var b = 0x80; b <= 0xFF; b++)
        {
            set.Add((byte)b);
        }
        return set.ToArray();
    }
}
