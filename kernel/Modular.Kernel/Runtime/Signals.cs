using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>Linux signal names and numbers, accepted in every form Docker accepts: "SIGTERM", "TERM", "15".</summary>
public static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28,
        ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    public static int Parse(string? signal, int fallback)
    {
        if (string.IsNullOrEmpty(signal))
        {
            return fallback;
        }
        if (int.TryParse(signal, out var number))
        {
            return number is > 0 and <= 64 ? number : throw DriverException.InvalidArgument($"Invalid signal: {signal}");
        }
        var name = signal.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? signal[3..] : signal;
        return Numbers.TryGetValue(name, out var value) ? value
            : RealTime(name) is { } realTime ? realTime
            : throw DriverException.InvalidArgument($"Invalid signal: {signal}");
    }

    // Docker's table: RTMIN, RTMIN+1..RTMIN+15, RTMAX-14..RTMAX-1, RTMAX (34..64 on Linux).
    private static int? RealTime(string name)
    {
        var upper = name.ToUpperInvariant();
        if (upper == "RTMIN")
        {
            return 34;
        }
        if (upper == "RTMAX")
        {
            return 64;
        }
        if (upper.StartsWith("RTMIN+", StringComparison.Ordinal) && int.TryParse(upper[6..], out var up) && up is >= 1 and <= 15
            && upper[6..] == up.ToString())
        {
            return 34 + up;
        }
        if (upper.StartsWith("RTMAX-", StringComparison.Ordinal) && int.TryParse(upper[6..], out var down) && down is >= 1 and <= 14
            && upper[6..] == down.ToString())
        {
            return 64 - down;
        }
        return null;
    }
}
