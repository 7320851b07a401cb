using System.Globalization;
using System.Text;

namespace Modular.Sdk.Tests.Storage;

/// <summary>
/// Builds tars block by block, for what System.Formats.Tar cannot write: PAX records with raw byte values, a PAX size
/// that overrides the header's, GNU long names next to PAX headers.
/// </summary>
public sealed class HandTar
{
    private const int Block = 512;

    private readonly MemoryStream _stream = new();

    public HandTar Pax(params (string Key, byte[] Value)[] records)
    {
        var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3;
            var length = body + 1;
            while (length != body + Digits(length))
            {
                length = body + Digits(length);
            }
            data.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            data.Write(value);
            data.WriteByte((byte)'\n');
        }
        return Entry("PaxHeaders/x", 'x', data.ToArray());
    }

    public HandTar GnuLongName(string name) => Entry("././@LongLink", 'L', [.. Encoding.UTF8.GetBytes(name), 0], magic: "ustar  \0");

    public HandTar File(string name, byte[] content, long? sizeField = null) => Entry(name, '0', content, sizeField: sizeField);

    public HandTar Entry(string name, char type, byte[] data, string mode = "644", long? sizeField = null, string magic = "ustar\u000000")
    {
        var header = new byte[Block];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        nameBytes.AsSpan(0, Math.Min(nameBytes.Length, 100)).CopyTo(header);
        Octal(header, 100, 8, Convert.ToInt64(mode, 8));
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, sizeField ?? data.Length);
        Octal(header, 136, 12, 1_700_000_000);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes(magic).CopyTo(header, 257);
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = header.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(new byte[(Block - data.Length % Block) % Block]);
        return this;
    }

    /// <summary>Appends what a TarWriter wrote (without its end blocks) to this tar.</summary>
    public HandTar Raw(ReadOnlySpan<byte> blocks)
    {
        _stream.Write(blocks);
        return this;
    }

    public MemoryStream Build()
    {
        _stream.Write(new byte[Block * 2]);
        _stream.Position = 0;
        return _stream;
    }

    private static void Octal(byte[] header, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0").CopyTo(header, offset);

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
