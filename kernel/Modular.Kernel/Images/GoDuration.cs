using System.Globalization;
using System.Text.RegularExpressions;

namespace Modular.Kernel.Images;

/// <summary>Durations written as Go writes them (<c>1h30m</c>, <c>10s</c>, <c>250ms</c>), as Docker's filters accept.</summary>
internal static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitStart = part.Value.IndexOfAny(['h', 'm', 's', 'u', 'µ', 'n']);
            var amount = double.Parse(part.Value[..unitStart], CultureInfo.InvariantCulture);
            duration += part.Value[unitStart..] switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "us" or "µs" => TimeSpan.FromMicroseconds(amount),
                _ => TimeSpan.FromTicks((long)(amount / 100)),
            };
        }
        if (match.Groups["sign"].Value == "-")
        {
            duration = -duration;
        }
        return true;
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:(?<part>[0-9]+(?:\.[0-9]*)?(?:h|ms|m|s|us|µs|ns)))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
