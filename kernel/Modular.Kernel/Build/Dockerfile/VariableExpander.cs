using System.Text;

namespace Modular.Kernel.Build.Dockerfile;

/// <summary>
/// Docker's word processing for the instructions it expands (ENV, LABEL, ADD, COPY, WORKDIR, EXPOSE, VOLUME, USER,
/// STOPSIGNAL, ARG, FROM): <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>,
/// <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>, <c>${VAR:?message}</c>, single quotes (literal), double quotes (expanded)
/// and the escape character. Quotes are removed as a shell would; unset variables expand to nothing.
/// </summary>
public sealed class VariableExpander
{
    private readonly char _escape;
    private readonly Func<string, string?> _lookup;
    private string _text = "";
    private int _position;

    public VariableExpander(char escape, Func<string, string?> lookup)
    {
        _escape = escape;
        _lookup = lookup;
    }

    /// <summary>
    /// Expands the body of an unquoted heredoc: variables only; quotes are text and the escape character only
    /// protects a <c>$</c> (or itself).
    /// </summary>
    public string ProcessHeredoc(string body)
    {
        var result = new StringBuilder();
        _text = body;
        _position = 0;
        while (!AtEnd)
        {
            var ch = _text[_position++];
            if (ch == _escape && !AtEnd && (Peek == '$' || Peek == _escape))
            {
                result.Append(_text[_position++]);
            }
            else if (ch == '$')
            {
                result.Append(Dollar());
            }
            else
            {
                result.Append(ch);
            }
        }
        return result.ToString();
    }

    /// <summary>Expands one word (quotes removed, whitespace kept).</summary>
    public string ProcessWord(string word)
    {
        _text = word;
        _position = 0;
        return ProcessUntil(stop: null);
    }

    /// <summary>Expands a whitespace-separated list: each unquoted run of whitespace separates words.</summary>
    public IReadOnlyList<string> ProcessWords(string text)
    {
        var words = new List<string>();
        foreach (var raw in SplitUnquoted(text, _escape))
        {
            words.Add(ProcessWord(raw));
        }
        return words;
    }

    /// <summary>Splits on whitespace outside quotes, keeping quotes and escapes in the words (Docker's parseWords).</summary>
    public static IReadOnlyList<string> SplitUnquoted(string text, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quote == '\0' && char.IsWhiteSpace(ch))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (ch == escape && quote != '\'' && i + 1 < text.Length)
            {
                word.Append(ch).Append(text[++i]);
                continue;
            }
            if (quote == '\0' && ch is '"' or '\'')
            {
                quote = ch;
            }
            else if (ch == quote)
            {
                quote = '\0';
            }
            word.Append(ch);
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private bool AtEnd => _position >= _text.Length;

    private char Peek => _text[_position];

    private string ProcessUntil(char? stop)
    {
        var result = new StringBuilder();
        while (!AtEnd)
        {
            var ch = Peek;
            if (stop is { } s && ch == s)
            {
                _position++;
                return result.ToString();
            }
            _position++;
            if (ch == '\'')
            {
                result.Append(SingleQuoted());
            }
            else if (ch == '"')
            {
                result.Append(DoubleQuoted());
            }
            else if (ch == '$')
            {
                result.Append(Dollar());
            }
            else if (ch == _escape)
            {
                if (!AtEnd)
                {
                    result.Append(_text[_position++]);
                }
            }
            else
            {
                result.Append(ch);
            }
        }
        if (stop is not null)
        {
            throw new DockerfileException($"failed to process \"{_text}\": syntax error: missing '}}'");
        }
        return result.ToString();
    }

    private string SingleQuoted()
    {
        var end = _text.IndexOf('\'', _position);
        if (end < 0)
        {
            throw new DockerfileException($"failed to process \"{_text}\": unexpected end of statement while looking for matching single-quote");
        }
        var literal = _text[_position..end];
        _position = end + 1;
        return literal;
    }

    private string DoubleQuoted()
    {
        var result = new StringBuilder();
        while (!AtEnd)
        {
            var ch = _text[_position++];
            if (ch == '"')
            {
                return result.ToString();
            }
            if (ch == '$')
            {
                result.Append(Dollar());
            }
            else if (ch == _escape && !AtEnd && (Peek == '"' || Peek == '$' || Peek == _escape))
            {
                result.Append(_text[_position++]);
            }
            else
            {
                result.Append(ch);
            }
        }
        throw new DockerfileException($"failed to process \"{_text}\": unexpected end of statement while looking for matching double-quote");
    }

    private string Dollar()
    {
        if (AtEnd)
        {
            return "$";
        }
        if (Peek != '{')
        {
            var name = Name();
            return name.Length == 0 ? "$" : _lookup(name) ?? "";
        }
        _position++;
        var braced = Name();
        if (braced.Length == 0)
        {
            throw new DockerfileException($"failed to process \"{_text}\": bad substitution");
        }
        if (AtEnd)
        {
            throw new DockerfileException($"failed to process \"{_text}\": syntax error: missing '}}'");
        }
        var next = _text[_position++];
        if (next == '}')
        {
            return _lookup(braced) ?? "";
        }
        var colon = next == ':';
        var modifier = colon ? (AtEnd ? '\0' : _text[_position++]) : next;
        if (modifier is not ('-' or '+' or '?'))
        {
            throw new DockerfileException($"failed to process \"{_text}\": unsupported modifier ({(colon ? ":" : "")}{modifier}) in substitution");
        }
        var word = ProcessUntil('}');
        var value = _lookup(braced);
        var present = colon ? !string.IsNullOrEmpty(value) : value is not null;
        return modifier switch
        {
            '-' => present ? value! : word,
            '+' => present ? word : "",
            _ => present
                ? value!
                : throw new DockerfileException($"failed to process \"{_text}\": {braced}: {(word.Length > 0 ? word : "is not allowed to be unset")}"),
        };
    }

    private string Name()
    {
        var start = _position;
        if (!AtEnd && char.IsAsciiDigit(Peek))
        {
            _position++;
            return _text[start.._position];
        }
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek) || Peek == '_'))
        {
            _position++;
        }
        return _text[start.._position];
    }
}
