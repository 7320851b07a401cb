using System.Globalization;
using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Storage;

/// <summary>
/// Parses sizes as Docker's <c>units.RAMInBytes</c> does for storage options: a non-negative number (fractions allowed),
/// an optional space, an optional binary unit <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c> or <c>p</c> (powers of 1024,
/// case-insensitive) and an optional <c>b</c> or <c>ib</c>. <c>64M</c> is 67,108,864 bytes.
/// </summary>
internal static partial class RamSize
{
    /// <summary>The size in bytes; throws <see cref="DriverErrorKind.InvalidArgument"/> naming <paramref name="option"/> when it is not a size.</summary>
    public static long Parse(string option, string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw DriverException.InvalidArgument($"invalid size for {option}: '{text}'");
        }
        var exponent = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "k" => 1,
            "m" => 2,
            "g" => 3,
            "t" => 4,
            "p" => 5,
            _ => 0,
        };
        var bytes = number * Math.Pow(1024, exponent);
        if (bytes >= long.MaxValue)
        {
            throw DriverException.InvalidArgument($"invalid size for {option}: '{text}' is too large");
        }
        return (long)bytes;
    }

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?) ?(?<unit>[kKmMgGtTpP])?([iI]?[bB])?$")]
    private static partial Regex SizePattern();
}
