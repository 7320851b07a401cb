using System.Globalization;
using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Storage.Btrfs;

/// <summary>
/// Sizes as Docker's storage options write them: a number with an optional binary unit, e.g. <c>10G</c>, <c>64m</c>,
/// <c>512MiB</c>, <c>1.5g</c> or plain bytes; k, m, g, t and p are powers of 1024.
/// </summary>
internal static partial class StorageSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>Parses <paramref name="value"/> given for option <paramref name="option"/>; InvalidArgument naming the option when it is not a size.</summary>
    public static long Parse(string option, string value)
    {
        var match = SizePattern().Match(value.Trim());
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw DriverException.InvalidArgument($"btrfs: invalid size \"{value}\" for {option}: expected bytes or a number with a unit, e.g. 10G");
        }
        var exponent = match.Groups["unit"].Success ? "kmgtp".IndexOf(char.ToLowerInvariant(match.Groups["unit"].Value[0])) + 1 : 0;
        try
        {
            var bytes = number;
            for (var i = 0; i < exponent; i++)
            {
                bytes *= 1024;
            }
            return checked((long)bytes);
        }
        catch (OverflowException)
        {
            throw DriverException.InvalidArgument($"btrfs: size \"{value}\" for {option} is too large");
        }
    }

    /// <summary>A size for messages, e.g. <c>64MiB</c>, with the exact byte count when that is not a whole unit.</summary>
    public static string Describe(long bytes)
    {
        var unit = 0;
        var value = (decimal)bytes;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var text = $"{value.ToString("0.##", CultureInfo.InvariantCulture)}{Units[unit]}";
        return value == decimal.Truncate(value) ? text : $"{text} ({bytes} bytes)";
    }

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?) ?(?<unit>[kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex SizePattern();
}
