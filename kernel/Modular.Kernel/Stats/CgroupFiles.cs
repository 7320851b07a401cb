using System.Globalization;

namespace Modular.Kernel.Stats;

/// <summary>Parsers for the few text formats cgroup files use: one number, "key value" lines, and "max" for no limit.</summary>
public static class CgroupFiles
{
    public static ulong ReadNumber(string path) => ParseNumber(File.ReadAllText(path).Trim());

    /// <summary>A limit file: "max" (v2, pids on v1) means none and reads as 0, the API's "unlimited".</summary>
    public static ulong ReadLimit(string path)
    {
        var text = File.ReadAllText(path).Trim();
        return text == "max" ? 0 : ParseNumber(text);
    }

    /// <summary>Space-separated numbers on one line (cpuacct.usage_percpu).</summary>
    public static List<ulong> ReadNumbers(string path) =>
        File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(ParseNumber).ToList();

    /// <summary>"key value" lines (memory.stat, cpu.stat, cpuacct.stat); lines of another shape are skipped.</summary>
    public static Dictionary<string, ulong> ReadKeyValues(string path)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[fields[0]] = value;
            }
        }
        return values;
    }

    /// <summary>Reads a file that may legitimately be missing (a controller or kernel feature the host lacks) as "key value" lines.</summary>
    public static Dictionary<string, ulong> ReadKeyValuesIfPresent(string path) =>
        File.Exists(path) ? ReadKeyValues(path) : new Dictionary<string, ulong>(StringComparer.Ordinal);

    public static ulong ParseNumber(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"not a cgroup counter: \"{text}\"");
}
