using System.Globalization;

namespace Modular.Cli.Commands;

/// <summary>Go's time.ParseDuration, because docker's duration flags (--health-*) accept exactly that syntax and
/// the API wants the result in nanoseconds.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, long Nanoseconds)[] Units =
    [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ];

    /// <summary>Returns nanoseconds, or throws FormatException carrying Go's own error text.</summary>
    public static long ParseNanoseconds(string text)
    {
        var quoted = "\"" + text + "\"";
        var rest = text;
        var negative = false;
        if (rest.Length > 0 && rest[0] is '-' or '+')
        {
            negative = rest[0] == '-';
            rest = rest[1..];
        }
        if (rest == "0")
            return 0;
        if (rest.Length == 0)
            throw new FormatException($"time: invalid duration {quoted}");

        decimal total = 0;
        while (rest.Length > 0)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
                numberLength++;
            var number = rest[..numberLength];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1)
                throw new FormatException($"time: invalid duration {quoted}");
            rest = rest[numberLength..];

            var unitLength = 0;
            while (unitLength < rest.Length && rest[unitLength] != '.' && !char.IsAsciiDigit(rest[unitLength]))
                unitLength++;
            if (unitLength == 0)
                throw new FormatException($"time: missing unit in duration {quoted}");
            var unit = rest[..unitLength];
            rest = rest[unitLength..];
            var scale = Units.FirstOrDefault(u => u.Unit == unit).Nanoseconds;
            if (scale == 0)
                throw new FormatException($"time: unknown unit \"{unit}\" in duration {quoted}");

            total += decimal.Parse(number.EndsWith('.') ? number + "0" : number.StartsWith('.') ? "0" + number : number,
                CultureInfo.InvariantCulture) * scale;
            if (total > long.MaxValue)
                throw new FormatException($"time: invalid duration {quoted}");
        }
        var nanoseconds = (long)decimal.Truncate(total);
        return negative ? -nanoseconds : nanoseconds;
    }
}
