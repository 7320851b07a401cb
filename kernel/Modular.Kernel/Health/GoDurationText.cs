using System.Globalization;

namespace Modular.Kernel.Health;

/// <summary>Formats a duration as Go's time.Duration.String() does ("200ms", "1.5s", "1m30s"), for dockerd's messages.</summary>
public static class GoDurationText
{
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }
        if (duration < TimeSpan.FromSeconds(1))
        {
            var nanoseconds = duration.Ticks * 100;
            return nanoseconds switch
            {
                < 1_000 => $"{nanoseconds}ns",
                < 1_000_000 => $"{Trim(nanoseconds / 1_000m)}µs",
                _ => $"{Trim(nanoseconds / 1_000_000m)}ms",
            };
        }
        var text = "";
        if (duration.TotalHours >= 1)
        {
            text += $"{(long)duration.TotalHours}h";
        }
        if (duration.TotalMinutes >= 1)
        {
            text += $"{duration.Minutes}m";
        }
        return text + $"{Trim(duration.Seconds + duration.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond)}s";
    }

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
