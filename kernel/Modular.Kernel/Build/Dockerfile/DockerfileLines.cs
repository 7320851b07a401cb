using System.Text.RegularExpressions;

namespace Modular.Kernel.Build.Dockerfile;

/// <summary>
/// The first stage of parsing, as Docker's parser does it: parser directives at the top (<c># escape=</c>,
/// <c># syntax=</c>), comments, line continuations with the escape character, and heredocs after RUN, COPY and ADD.
/// </summary>
public static partial class DockerfileLines
{
    private static readonly HashSet<string> HeredocInstructions = new(StringComparer.OrdinalIgnoreCase) { "RUN", "COPY", "ADD" };

    public sealed record Result(IReadOnlyList<LogicalLine> Lines, char Escape, string? Syntax);

    public static Result Split(string text)
    {
        var physical = text.Replace("\r\n", "\n").Split('\n');
        var escape = '\\';
        string? syntax = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        for (; index < physical.Length; index++)
        {
            var match = Directive().Match(physical[index]);
            if (!match.Success)
            {
                break;
            }
            var key = match.Groups[1].Value.ToLowerInvariant();
            var value = match.Groups[2].Value;
            if (!seen.Add(key))
            {
                throw DockerfileException.OnLine(index + 1, $"only one {key} parser directive can be used");
            }
            if (key == "escape")
            {
                if (value is not ("`" or "\\"))
                {
                    throw DockerfileException.OnLine(index + 1, $"invalid escape token '{value}' does not match ` or \\");
                }
                escape = value[0];
            }
            else if (key == "syntax")
            {
                syntax = value;
            }
        }

        var lines = new List<LogicalLine>();
        while (index < physical.Length)
        {
            var first = physical[index].TrimStart();
            if (first.Length == 0 || first.StartsWith('#'))
            {
                index++;
                continue;
            }
            var startLine = index + 1;
            var joined = ContinuedLine(first, escape, out var continues);
            index++;
            while (continues && index < physical.Length)
            {
                var next = physical[index++];
                var trimmed = next.TrimStart();
                if (trimmed.StartsWith('#') || trimmed.Length == 0)
                {
                    continue;
                }
                joined += ContinuedLine(next, escape, out continues);
            }
            joined = joined.TrimEnd();
            var split = joined.IndexOfAny([' ', '\t']);
            var keyword = split < 0 ? joined : joined[..split];
            var rest = split < 0 ? "" : joined[(split + 1)..].TrimStart();
            IReadOnlyList<Heredoc> heredocs = [];
            if (HeredocInstructions.Contains(keyword) || (keyword.Equals("ONBUILD", StringComparison.OrdinalIgnoreCase) &&
                HeredocInstructions.Contains(rest.Split(' ', 2)[0])))
            {
                heredocs = ReadHeredocs(rest, physical, ref index, startLine);
            }
            lines.Add(new LogicalLine(keyword, rest, joined, startLine, heredocs));
        }
        return new Result(lines, escape, syntax);
    }

    /// <summary>The heredoc markers of an instruction's text, in order (name, quoted, strip tabs).</summary>
    public static IReadOnlyList<(string Name, bool Quoted, bool StripTabs)> Markers(string rest)
    {
        var markers = new List<(string, bool, bool)>();
        foreach (Match match in HeredocMarker().Matches(rest))
        {
            var quote = match.Groups[2].Value;
            markers.Add((match.Groups[3].Value, quote.Length > 0, match.Groups[1].Value == "-"));
        }
        return markers;
    }

    private static List<Heredoc> ReadHeredocs(string rest, string[] physical, ref int index, int startLine)
    {
        var heredocs = new List<Heredoc>();
        foreach (var (name, quoted, stripTabs) in Markers(rest))
        {
            var content = new System.Text.StringBuilder();
            var terminated = false;
            while (index < physical.Length)
            {
                var line = physical[index++];
                var compared = stripTabs ? line.TrimStart('\t') : line;
                if (compared == name)
                {
                    terminated = true;
                    break;
                }
                content.Append(compared).Append('\n');
            }
            if (!terminated)
            {
                throw DockerfileException.OnLine(startLine, $"unterminated heredoc {name}");
            }
            heredocs.Add(new Heredoc(name, content.ToString(), !quoted, stripTabs));
        }
        return heredocs;
    }

    private static string ContinuedLine(string line, char escape, out bool continues)
    {
        var trimmed = line.TrimEnd(' ', '\t');
        continues = trimmed.EndsWith(escape);
        return continues ? trimmed[..^1] : line;
    }

    [GeneratedRegex(@"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"<<(-?)([""']?)([a-zA-Z_][a-zA-Z0-9_]*)\2")]
    private static partial Regex HeredocMarker();
}
