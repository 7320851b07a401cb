using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// Shell-style matching with the semantics of Go's <c>path.Match</c> (what Docker's <c>reference</c> filter uses):
/// <c>*</c> and <c>?</c> never match '/', <c>[a-z]</c> / <c>[^...]</c> classes, backslash escapes.
/// </summary>
internal static class GlobPattern
{
    public static bool IsMatch(string pattern, string name)
    {
        Validate(pattern);
        return Match(pattern, 0, name, 0);
    }

    private static bool Match(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++;
                    }
                    for (var end = n; ; end++)
                    {
                        if (Match(pattern, p, name, end))
                        {
                            return true;
                        }
                        if (end >= name.Length || name[end] == '/')
                        {
                            return false;
                        }
                    }
                case '?':
                    if (n >= name.Length || name[n] == '/')
                    {
                        return false;
                    }
                    p++;
                    n++;
                    break;
                case '[':
                    if (n >= name.Length || !MatchClass(pattern, ref p, name[n]))
                    {
                        return false;
                    }
                    n++;
                    break;
                case '\\':
                    p++;
                    if (n >= name.Length || pattern[p] != name[n])
                    {
                        return false;
                    }
                    p++;
                    n++;
                    break;
                default:
                    if (n >= name.Length || pattern[p] != name[n])
                    {
                        return false;
                    }
                    p++;
                    n++;
                    break;
            }
        }
        return n == name.Length;
    }

    /// <summary>Matches one character against the class starting at <paramref name="p"/> ('['), moving past it.</summary>
    private static bool MatchClass(string pattern, ref int p, char c)
    {
        p++;
        var negated = pattern[p] == '^';
        if (negated)
        {
            p++;
        }
        var matched = false;
        var first = true;
        while (first || pattern[p] != ']')
        {
            first = false;
            var low = ClassChar(pattern, ref p);
            var high = low;
            if (pattern[p] == '-')
            {
                p++;
                high = ClassChar(pattern, ref p);
            }
            if (low <= c && c <= high)
            {
                matched = true;
            }
        }
        p++;
        return matched != negated;
    }

    private static char ClassChar(string pattern, ref int p)
    {
        if (pattern[p] == '\\')
        {
            p++;
        }
        return pattern[p++];
    }

    /// <summary>Rejects malformed patterns up front, as Go reports ErrBadPattern.</summary>
    private static void Validate(string pattern)
    {
        for (var p = 0; p < pattern.Length; p++)
        {
            switch (pattern[p])
            {
                case '\\':
                    if (++p >= pattern.Length)
                    {
                        throw BadPattern();
                    }
                    break;
                case '[':
                    p++;
                    if (p < pattern.Length && pattern[p] == '^')
                    {
                        p++;
                    }
                    var empty = true;
                    while (p < pattern.Length && (empty || pattern[p] != ']'))
                    {
                        if (pattern[p] is '-' or ']')
                        {
                            throw BadPattern();
                        }
                        SkipClassChar(pattern, ref p);
                        if (p < pattern.Length && pattern[p] == '-')
                        {
                            p++;
                            if (p >= pattern.Length || pattern[p] is '-' or ']')
                            {
                                throw BadPattern();
                            }
                            SkipClassChar(pattern, ref p);
                        }
                        empty = false;
                    }
                    if (p >= pattern.Length || empty)
                    {
                        throw BadPattern();
                    }
                    break;
            }
        }
    }

    private static void SkipClassChar(string pattern, ref int p)
    {
        if (pattern[p] == '\\')
        {
            p++;
            if (p >= pattern.Length)
            {
                throw BadPattern();
            }
        }
        p++;
    }

    private static DriverException BadPattern() => DriverException.InvalidArgument("syntax error in pattern");
}
