using System.Globalization;

namespace Modular.Sdk.Storage;

/// <summary>One record of a PAX extended header, key and value as the raw bytes the archive holds.</summary>
internal readonly record struct PaxRecord(byte[] Key, byte[] Value);

/// <summary>
/// Reads and writes the records of a PAX extended header: <c>"LENGTH KEY=VALUE\n"</c>, LENGTH counting the whole
/// record in decimal, itself included. Values are bytes, not text: they are delimited by LENGTH alone, so they may hold
/// any byte, a newline included.
/// </summary>
internal static class PaxRecords
{
    /// <summary>The records of <paramref name="data"/>, or null if it is not a well-formed sequence of records.</summary>
    public static List<PaxRecord>? TryParse(ReadOnlySpan<byte> data)
    {
        var records = new List<PaxRecord>();
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0
                || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > data.Length || data[length - 1] != (byte)'\n')
            {
                return null;
            }
            var body = data[(space + 1)..(length - 1)];
            var equals = body.IndexOf((byte)'=');
            if (equals <= 0)
            {
                return null;
            }
            records.Add(new PaxRecord(body[..equals].ToArray(), body[(equals + 1)..].ToArray()));
            data = data[length..];
        }
        return records;
    }

    public static void Write(Stream output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var body = key.Length + value.Length + 3; // ' ', '=', '\n'
        // The length counts its own digits; adding them can carry it into one more digit, hence the loop.
        var length = body + 1;
        while (length != body + Digits(length))
        {
            length = body + Digits(length);
        }
        Span<byte> prefix = stackalloc byte[12];
        length.TryFormat(prefix, out var digits, provider: CultureInfo.InvariantCulture);
        prefix[digits] = (byte)' ';
        output.Write(prefix[..(digits + 1)]);
        output.Write(key);
        output.WriteByte((byte)'=');
        output.Write(value);
        output.WriteByte((byte)'\n');
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
