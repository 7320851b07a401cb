using System.Globalization;

namespace Modular.Sdk.Logging;

/// <summary>
/// Checks shared by logging drivers when they validate <c>--log-opt</c> values, worded as Docker words them so the
/// CLI shows users the messages they already know.
/// </summary>
public static class LogOptionRules
{
    /// <summary>
    /// Throws <see cref="DriverErrorKind.InvalidArgument"/> with Docker's
    /// <c>unknown log opt 'KEY' for DRIVER log driver</c> for the first key not in <paramref name="knownKeys"/>.
    /// </summary>
    /// <param name="options">The container's log options.</param>
    /// <param name="driverName">The driver's name, as shown in the message.</param>
    /// <param name="knownKeys">Every key the driver accepts.</param>
    public static void RejectUnknownKeys(IReadOnlyDictionary<string, string> options, string driverName, IReadOnlyCollection<string> knownKeys)
    {
        foreach (var key in options.Keys.Order(StringComparer.Ordinal))
        {
            if (!knownKeys.Contains(key))
            {
                throw DriverException.InvalidArgument($"unknown log opt '{key}' for {driverName} log driver");
            }
        }
    }

    /// <summary>
    /// Parses a size the way Docker's <c>units.FromHumanSize</c> does: a non-negative number (fractions allowed),
    /// an optional space, then an optional decimal unit <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c> or <c>p</c>
    /// (case-insensitive, optionally followed by <c>b</c> or <c>ib</c>), or a bare <c>b</c>.
    /// Examples: <c>"10m"</c> is 10,000,000 bytes, <c>"1.5KB"</c> is 1,500 bytes.
    /// </summary>
    /// <param name="text">The value as the user wrote it.</param>
    /// <param name="bytes">The size in bytes, truncated to a whole number.</param>
    /// <returns>False when <paramref name="text"/> is not a size.</returns>
    public static bool TryParseHumanSize(string text, out long bytes)
    {
        bytes = -1;
        var end = text.LastIndexOfAny("0123456789. ".ToCharArray());
        if (end < 0)
        {
            return false;
        }
        var number = text[..(end + 1)];
        var suffix = text[(end + 1)..].ToLowerInvariant();
        if (number.EndsWith(' '))
        {
            number = number[..^1];
        }
        if (number.Length == 0 || number.Any(c => c is not (>= '0' and <= '9') and not '.')
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }
        if (suffix.Length > 3)
        {
            return false;
        }
        if (suffix.Length > 0 && suffix[0] == 'b')
        {
            if (suffix.Length > 1)
            {
                return false;
            }
        }
        else if (suffix.Length > 0)
        {
            var multiplier = suffix[0] switch
            {
                'k' => 1e3,
                'm' => 1e6,
                'g' => 1e9,
                't' => 1e12,
                'p' => 1e15,
                _ => 0d,
            };
            if (multiplier == 0d || (suffix.Length == 2 && suffix[1] != 'b') || (suffix.Length == 3 && suffix[1..] != "ib"))
            {
                return false;
            }
            size *= multiplier;
        }
        if (size >= long.MaxValue)
        {
            return false;
        }
        bytes = (long)size;
        return true;
    }
}
