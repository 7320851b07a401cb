using System.Text;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>Writes ustar header and data blocks by hand, for entries .NET's TarWriter cannot express.</summary>
internal static class RawTarBlocks
{
    private const int BlockSize = 512;

    public static void WriteEntry(Stream output, string name, char type, uint mode, byte[] data)
    {
        var header = new byte[BlockSize];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        PutOctal(header, 100, 8, mode);
        PutOctal(header, 108, 8, 0);
        PutOctal(header, 116, 8, 0);
        PutOctal(header, 124, 12, data.Length);
        PutOctal(header, 136, 12, LayerTarBuilder.DefaultTime.ToUnixTimeSeconds());
        header[156] = (byte)type;
        Put(header, 257, 6, "ustar\0"u8.ToArray());
        Put(header, 263, 2, "00"u8.ToArray());
        // The checksum is computed with its own field read as spaces.
        Array.Fill(header, (byte)' ', 148, 8);
        var sum = header.Sum(b => (long)b);
        Put(header, 148, 8, Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 "));
        output.Write(header);
        output.Write(data);
        output.Write(new byte[(BlockSize - data.Length % BlockSize) % BlockSize]);
    }

    private static void Put(byte[] header, int offset, int length, byte[] value)
    {
        if (value.Length > length)
        {
            throw new ArgumentException($"tar header field of {length} bytes cannot hold {value.Length}");
        }
        value.CopyTo(header, offset);
    }

    private static void PutOctal(byte[] header, int offset, int length, long value) =>
        Put(header, offset, length, Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0"));
}

/// <summary>PAX extended header records: <c>"LENGTH key=value\n"</c>, where LENGTH counts the whole record, itself included.</summary>
internal static class PaxRecords
{
    public static void Write(Stream output, string key, byte[] value)
    {
        var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3; // space, '=', newline
        var length = body + body.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        if (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length != (length - body))
        {
            length++; // adding the digits carried the length into one more digit
        }
        output.Write(Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + key + "="));
        output.Write(value);
        output.WriteByte((byte)'\n');
    }
}
