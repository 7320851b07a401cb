using System.Globalization;
using Microsoft.AspNetCore.Http;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>Query-string values in Docker's forms: booleans as 1/0/true/false, times as unix seconds with a fraction.</summary>
public static class Query
{
    public static string? String(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) && value.Count > 0 ? value[^1] : null;

    /// <summary>Docker's rule: absent means the default; "", 0, no, false and none (any case) are false; anything else is true.</summary>
    public static bool Bool(HttpContext context, string name, bool fallback = false)
    {
        if (!context.Request.Query.ContainsKey(name))
        {
            return fallback;
        }
        var value = (String(context, name) ?? "").Trim().ToLowerInvariant();
        return value is not ("" or "0" or "no" or "false" or "none");
    }

    public static int? Int(HttpContext context, string name)
    {
        var text = String(context, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw DriverException.InvalidArgument($"invalid value for {name}: {text}");
    }

    /// <summary>A time given as unix seconds with an optional fraction ("1700000000.5"); 0 or absent means none.</summary>
    public static DateTimeOffset? UnixTime(HttpContext context, string name)
    {
        var text = String(context, name);
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            throw DriverException.InvalidArgument($"invalid value for {name}: {text}");
        }
        var whole = (long)Math.Floor(seconds);
        var ticks = (long)((seconds - whole) * TimeSpan.TicksPerSecond);
        return DateTimeOffset.FromUnixTimeSeconds(whole).AddTicks(ticks);
    }
}
