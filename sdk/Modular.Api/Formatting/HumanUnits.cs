using System.Globalization;

namespace Modular.Api.Formatting;

/// <summary>
/// The human renderings Docker uses in ps/images and in container Status strings ("Up 3 minutes",
/// "Exited (0) 2 minutes ago"), following go-units' rules so output matches docker's exactly.
/// </summary>
public static class HumanUnits
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    /// <summary>go-units HumanDuration: "Less than a second", "1 second", "About a minute", "3 hours", "2 weeks", …</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 1)
            return "Less than a second";
        if (seconds == 1)
            return "1 second";
        if (seconds < 60)
            return $"{seconds} seconds";
        var minutes = (long)duration.TotalMinutes;
        if (minutes == 1)
            return "About a minute";
        if (minutes < 60)
            return $"{minutes} minutes";
        var hours = (long)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1)
            return "About an hour";
        if (hours < 48)
            return $"{hours} hours";
        if (hours < 24 * 7 * 2)
            return $"{hours / 24} days";
        if (hours < 24 * 30 * 2)
            return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2)
            return $"{hours / 24 / 30} months";
        return $"{(long)duration.TotalHours / 24 / 365} years";
    }

    /// <summary>"5 seconds ago" for a past moment.</summary>
    public static string Ago(DateTimeOffset moment, DateTimeOffset now) => Duration(now - moment) + " ago";

    /// <summary>go-units HumanSizeWithPrecision(size, 3): decimal units, Go's %.3g ("4.26MB", "100B", "1e+03kB").</summary>
    public static string Size(double bytes, int precision = 3)
    {
        var unit = 0;
        while (bytes >= 1000 && unit < DecimalUnits.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }
        return GoFormat.G(bytes, precision) + DecimalUnits[unit];
    }

    /// <summary>
    /// The Status text Docker's daemon computes for ps: "Created", "Up 5 seconds", "Up 2 minutes (Paused)",
    /// "Restarting (1) 3 seconds ago", "Exited (137) 2 hours ago", "Removal In Progress", "Dead".
    /// </summary>
    public static string ContainerStatus(string state, int exitCode, DateTimeOffset startedAt, DateTimeOffset finishedAt, DateTimeOffset now, string? health = null)
    {
        switch (state)
        {
            case "running":
                var up = "Up " + Duration(now - startedAt);
                return health is null or "" or "none" ? up : $"{up} ({health})";
            case "paused":
                return $"Up {Duration(now - startedAt)} (Paused)";
            case "restarting":
                return $"Restarting ({exitCode}) {Ago(finishedAt, now)}";
            case "removing":
                return "Removal In Progress";
            case "dead":
                return "Dead";
            case "created":
                return "Created";
            default:
                return finishedAt.Year <= 1 ? "" : $"Exited ({exitCode}) {Ago(finishedAt, now)}";
        }
    }
}

/// <summary>Go's fmt verbs where their output differs from .NET's.</summary>
public static class GoFormat
{
    /// <summary>Go's <c>%.{precision}g</c>: shortest of %e/%f by the exponent rule, trailing zeros removed, exponent as e+NN.</summary>
    public static string G(double value, int precision)
    {
        if (value == 0)
            return "0";
        if (double.IsNaN(value))
            return "NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "+Inf" : "-Inf";

        var scientific = value.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
        var ePos = scientific.IndexOf('E');
        var exponent = int.Parse(scientific[(ePos + 1)..], CultureInfo.InvariantCulture);

        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = TrimZeros(scientific[..ePos]);
            var sign = exponent < 0 ? "-" : "+";
            return $"{mantissa}e{sign}{Math.Abs(exponent):00}";
        }
        var decimals = Math.Max(precision - 1 - exponent, 0);
        return TrimZeros(value.ToString("F" + decimals, CultureInfo.InvariantCulture));
    }

    private static string TrimZeros(string number) =>
        number.Contains('.') ? number.TrimEnd('0').TrimEnd('.') : number;

    /// <summary>Go's <c>time.Time.String()</c> in the local zone: "2006-01-02 15:04:05 +0000 UTC". Zones without an
    /// abbreviation print the offset twice, as Go does.</summary>
    /// <param name="fractionDigits">Sub-second digits to show (Go prints them, trailing zeros removed, when non-zero).</param>
    public static string TimeString(DateTimeOffset moment, string? fractionDigits = null)
    {
        var local = moment.ToLocalTime();
        var offset = (local.Offset < TimeSpan.Zero ? "-" : "+") + local.Offset.ToString("hhmm", CultureInfo.InvariantCulture);
        var zone = local.Offset == TimeSpan.Zero ? "UTC" : offset;
        var fraction = fractionDigits?.TrimEnd('0');
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(fraction) ? "" : "." + fraction)
            + " " + offset + " " + zone;
    }
}
