using System.Text;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// One challenge of a WWW-Authenticate header (RFC 7235): a scheme (Bearer, Basic) and its parameters, e.g.
/// <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"</c>.
/// </summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.GetValueOrDefault(name);

    public bool IsBearer => Scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every challenge of every header value; parameters with quoted strings and escapes; names lower-cased.</summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
    {
        var challenges = new List<AuthChallenge>();
        foreach (var value in headerValues)
        {
            ParseInto(value, challenges);
        }
        return challenges;
    }

    private static void ParseInto(string header, List<AuthChallenge> challenges)
    {
        var position = 0;
        while (position < header.Length)
        {
            SkipSeparators(header, ref position);
            var scheme = ReadToken(header, ref position);
            if (scheme.Length == 0)
            {
                return;
            }
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpaces(header, ref position);
                var start = position;
                var name = ReadToken(header, ref position);
                SkipSpaces(header, ref position);
                if (name.Length == 0 || position >= header.Length || header[position] != '=')
                {
                    // Not a parameter: the start of the next challenge (or a token68, which registries do not use).
                    position = start;
                    break;
                }
                position++;
                SkipSpaces(header, ref position);
                parameters[name.ToLowerInvariant()] = position < header.Length && header[position] == '"'
                    ? ReadQuoted(header, ref position)
                    : ReadToken(header, ref position);
                SkipSpaces(header, ref position);
                if (position < header.Length && header[position] == ',')
                {
                    position++;
                }
            }
            challenges.Add(new AuthChallenge(scheme, parameters));
        }
    }

    private static string ReadToken(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not (',' or '=' or '"'))
        {
            position++;
        }
        return text[start..position];
    }

    private static string ReadQuoted(string text, ref int position)
    {
        var value = new StringBuilder();
        position++;
        while (position < text.Length && text[position] != '"')
        {
            if (text[position] == '\\' && position + 1 < text.Length)
            {
                position++;
            }
            value.Append(text[position++]);
        }
        position = Math.Min(position + 1, text.Length);
        return value.ToString();
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static void SkipSeparators(string text, ref int position)
    {
        while (position < text.Length && (char.IsWhiteSpace(text[position]) || text[position] == ','))
        {
            position++;
        }
    }
}
