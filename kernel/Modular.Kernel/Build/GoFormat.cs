using System.Text;

namespace Modular.Kernel.Build;

/// <summary>Go's %q and %v for the string slices the classic builder writes into history (<c>CMD ["a" "b"]</c>, <c>VOLUME [/a /b]</c>).</summary>
public static class GoFormat
{
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                default:
                    if (char.IsControl(ch))
                    {
                        quoted.Append($"\\x{(int)ch:x2}");
                    }
                    else
                    {
                        quoted.Append(ch);
                    }
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }

    public static string QuotedList(IEnumerable<string> items) => "[" + string.Join(' ', items.Select(Quote)) + "]";

    public static string PlainList(IEnumerable<string> items) => "[" + string.Join(' ', items) + "]";

    /// <summary>Go's time.Duration String() for nanoseconds ("30s", "1m30s", "500ms", "0s").</summary>
    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }
        var span = TimeSpan.FromTicks(nanoseconds / 100);
        if (span < TimeSpan.FromSeconds(1))
        {
            return $"{span.TotalMilliseconds:0.###}ms";
        }
        var text = new StringBuilder();
        if (span.TotalHours >= 1)
        {
            text.Append((int)span.TotalHours).Append('h');
        }
        if (span.TotalMinutes >= 1)
        {
            text.Append(span.Minutes).Append('m');
        }
        text.Append((span.Seconds + span.Milliseconds / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append('s');
        return text.ToString();
    }
}
