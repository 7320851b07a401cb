using System.Text;
using System.Text.RegularExpressions;

namespace Modular.Api.Build;

/// <summary>
/// Docker's <c>.dockerignore</c> rules, shared by the daemon (which filters a received context) and the CLI (which
/// filters what it sends): one pattern per line, <c>#</c> comments, <c>!</c> exceptions, patterns cleaned like Go's
/// filepath.Clean with a leading <c>/</c> or <c>./</c> dropped, <c>*</c> and <c>?</c> within one path component,
/// <c>[...]</c> classes, <c>\</c> escapes and <c>**</c> across components. The last matching pattern wins, and a
/// pattern that matches a directory matches everything under it.
/// </summary>
public sealed class IgnorePatterns
{
    private readonly List<Pattern> _patterns;

    private IgnorePatterns(List<Pattern> patterns)
    {
        _patterns = patterns;
    }

    /// <summary>Whether any pattern is an exception (<c>!</c>): an ignored directory may then hold files that are kept.</summary>
    public bool HasExceptions => _patterns.Any(pattern => pattern.Exception);

    public bool IsEmpty => _patterns.Count == 0;

    /// <summary>Parses the text of a .dockerignore file.</summary>
    public static IgnorePatterns Parse(string text) => FromLines(text.Replace("\r\n", "\n").Split('\n'));

    public static IgnorePatterns FromLines(IEnumerable<string> lines)
    {
        var patterns = new List<Pattern>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var exception = line.StartsWith('!');
            if (exception)
            {
                line = line[1..].Trim();
                if (line.Length == 0)
                {
                    throw new ArgumentException("illegal exclusion pattern: \"!\"");
                }
            }
            line = CleanPath(line);
            if (line.Length > 1 && line[0] == '/')
            {
                line = line[1..];
            }
            patterns.Add(new Pattern(line, exception, Compile(line)));
        }
        return new IgnorePatterns(patterns);
    }

    /// <summary>These patterns followed by exceptions for <paramref name="alwaysKept"/> (the CLI keeps the Dockerfile and .dockerignore).</summary>
    public IgnorePatterns Keeping(params string[] alwaysKept)
    {
        var patterns = new List<Pattern>(_patterns);
        foreach (var path in alwaysKept)
        {
            var clean = CleanPath(path).TrimStart('/');
            patterns.Add(new Pattern(clean, true, new Regex("^" + Regex.Escape(clean) + "$", RegexOptions.CultureInvariant)));
        }
        return new IgnorePatterns(patterns);
    }

    /// <summary>Whether the context path <paramref name="path"/> (slash-separated, relative to the context root) is ignored.</summary>
    public bool Matches(string path)
    {
        path = CleanPath(path).TrimStart('/');
        var parents = path.Split('/');
        var matched = false;
        foreach (var pattern in _patterns)
        {
            // An inclusion cannot change an already ignored path, nor an exception a kept one.
            if (pattern.Exception != matched)
            {
                continue;
            }
            var match = pattern.Regex.IsMatch(path);
            for (var i = 1; !match && i < parents.Length; i++)
            {
                match = pattern.Regex.IsMatch(string.Join('/', parents, 0, i));
            }
            if (match)
            {
                matched = !pattern.Exception;
            }
        }
        return matched;
    }

    /// <summary>Go's path.Clean for slash-separated paths ("./a//b/../c" is "a/c"; "" is ".").</summary>
    public static string CleanPath(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add(part);
                }
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>Compiles one cleaned pattern to an anchored regular expression (moby's patternmatcher rules).</summary>
    public static Regex Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }
                    regex.Append(i + 1 >= pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    if (i + 1 < pattern.Length)
                    {
                        regex.Append(Regex.Escape(pattern[++i].ToString()));
                    }
                    else
                    {
                        regex.Append(@"\\");
                    }
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        throw new ArgumentException($"syntax error in pattern: {pattern}");
                    }
                    var body = pattern[(i + 1)..end];
                    if (body.StartsWith('!'))
                    {
                        body = "^" + body[1..];
                    }
                    regex.Append('[').Append(body.Replace("\\", "\\\\").Replace("[", "\\[")).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }
        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }

    private sealed record Pattern(string Text, bool Exception, Regex Regex);
}
