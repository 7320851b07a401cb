namespace Modular.Logging.JsonFile;

/// <summary>
/// Go's <c>time.RFC3339Nano</c> as Docker writes it into json-file logs: UTC with a <c>Z</c>, the fraction of a
/// second trimmed of trailing zeros (and left out when zero).
/// </summary>
internal static class GoTime
{
    /// <summary>The longest text <see cref="Write"/> produces: <c>2006-01-02T15:04:05.999999999Z</c>.</summary>
    public const int MaxLength = 30;

    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    public static int Write(DateTimeOffset time, Span<byte> destination)
    {
        var utc = time.UtcDateTime;
        var pos = 0;
        WriteDigits(destination, ref pos, utc.Year, 4);
        destination[pos++] = (byte)'-';
        WriteDigits(destination, ref pos, utc.Month, 2);
        destination[pos++] = (byte)'-';
        WriteDigits(destination, ref pos, utc.Day, 2);
        destination[pos++] = (byte)'T';
        WriteDigits(destination, ref pos, utc.Hour, 2);
        destination[pos++] = (byte)':';
        WriteDigits(destination, ref pos, utc.Minute, 2);
        destination[pos++] = (byte)':';
        WriteDigits(destination, ref pos, utc.Second, 2);

        // .NET keeps 100 ns ticks; as nanoseconds that is the 7 tick digits followed by "00", which Go trims.
        var fraction = (int)(utc.Ticks % TicksPerSecond);
        if (fraction != 0)
        {
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            destination[pos++] = (byte)'.';
            WriteDigits(destination, ref pos, fraction, digits);
        }
        destination[pos++] = (byte)'Z';
        return pos;
    }

    /// <summary>Parses RFC 3339 with up to 9 fraction digits and a <c>Z</c> or <c>±hh:mm</c> offset; beyond 100 ns it truncates.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't')
            || text[13] != ':' || text[16] != ':')
        {
            return false;
        }
        if (!TryDigits(text.Slice(0, 4), out var year) || !TryDigits(text.Slice(5, 2), out var month)
            || !TryDigits(text.Slice(8, 2), out var day) || !TryDigits(text.Slice(11, 2), out var hour)
            || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        var pos = 19;
        long fractionTicks = 0;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var start = pos;
            var scale = TicksPerSecond / 10;
            while (pos < text.Length && text[pos] is >= (byte)'0' and <= (byte)'9')
            {
                fractionTicks += (text[pos] - '0') * scale;
                scale /= 10;
                pos++;
            }
            if (pos == start)
            {
                return false;
            }
        }
        if (pos >= text.Length)
        {
            return false;
        }
        var offset = TimeSpan.Zero;
        if (text[pos] is (byte)'Z' or (byte)'z')
        {
            pos++;
        }
        else if (text[pos] is (byte)'+' or (byte)'-' && text.Length - pos == 6 && text[pos + 3] == ':'
                 && TryDigits(text.Slice(pos + 1, 2), out var offsetHours) && TryDigits(text.Slice(pos + 4, 2), out var offsetMinutes))
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (text[pos] == '-' ? -1 : 1);
            pos += 6;
        }
        if (pos != text.Length || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month)
            || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        time = new DateTimeOffset(local - offset, TimeSpan.Zero);
        return true;
    }

    private static void WriteDigits(Span<byte> destination, ref int pos, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[pos + i] = (byte)('0' + value % 10);
            value /= 10;
        }
        pos += count;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
