namespace Modular.Sdk.Storage;

/// <summary>
/// The few fields of a 512-byte tar header block that walking an archive's structure needs: the type flag, the
/// data size (octal or GNU base-256) and the checksum.
/// </summary>
internal static class TarHeaderBlock
{
    public const int Size = 512;

    private const int SizeOffset = 124;
    private const int SizeLength = 12;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;
    private const int TypeFlagOffset = 156;

    public static byte TypeFlag(ReadOnlySpan<byte> block) => block[TypeFlagOffset];

    public static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>The length of <paramref name="length"/> bytes of data once padded to whole blocks.</summary>
    public static long Padded(long length) => (length + Size - 1) / Size * Size;

    // Historic tars summed signed bytes; both sums are accepted, as GNU tar and Go do.
    public static bool HasValidChecksum(ReadOnlySpan<byte> block)
    {
        if (!TryParseOctal(block.Slice(ChecksumOffset, ChecksumLength), out var stored))
        {
            return false;
        }
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Size; i++)
        {
            var b = i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }

    public static bool TryReadSize(ReadOnlySpan<byte> block, out long size)
    {
        var field = block.Slice(SizeOffset, SizeLength);
        if ((field[0] & 0x80) == 0)
        {
            return TryParseOctal(field, out size);
        }
        // GNU base-256: big-endian two's complement in the whole field, marked by the top bit of the first byte.
        size = 0;
        if ((field[0] & 0x40) != 0)
        {
            return false; // negative
        }
        var value = (ulong)(field[0] & 0x3F);
        foreach (var b in field[1..])
        {
            if (value > (ulong)long.MaxValue >> 8)
            {
                return false;
            }
            value = (value << 8) | b;
        }
        size = (long)value;
        return true;
    }

    /// <summary>Writes <paramref name="size"/> (below 8 GiB) as eleven octal digits and a NUL, as ustar writers do.</summary>
    public static void WriteSize(Span<byte> block, long size) =>
        WriteOctal(block.Slice(SizeOffset, SizeLength), size, SizeLength - 1, "\0"u8);

    /// <summary>Recomputes the checksum of a header whose other fields are final.</summary>
    public static void WriteChecksum(Span<byte> block)
    {
        var field = block.Slice(ChecksumOffset, ChecksumLength);
        field.Fill((byte)' ');
        long sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }
        WriteOctal(field, sum, 6, "\0 "u8);
    }

    private static void WriteOctal(Span<byte> field, long value, int digits, ReadOnlySpan<byte> terminator)
    {
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        if (value != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "the value does not fit the tar header field");
        }
        terminator.CopyTo(field[digits..]);
    }

    // Octal fields may have leading spaces and end at a space or NUL; an empty field reads as 0.
    private static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var i = 0;
        while (i < field.Length && field[i] == (byte)' ')
        {
            i++;
        }
        for (; i < field.Length && field[i] is not ((byte)' ' or 0); i++)
        {
            if (field[i] is < (byte)'0' or > (byte)'7' || value > long.MaxValue >> 3)
            {
                return false;
            }
            value = (value << 3) | (long)(field[i] - '0');
        }
        for (; i < field.Length; i++)
        {
            if (field[i] is not ((byte)' ' or 0))
            {
                return false;
            }
        }
        return true;
    }
}
