using System.Globalization;
using System.Text;

namespace Modular.Cli.Templates;

internal enum TokenKind { Field, Variable, Identifier, String, Number, Bool, Nil, Dot, LeftParen, RightParen, Pipe, Declare, Assign, Comma, End }

internal readonly record struct Token(TokenKind Kind, string Text, object? Value = null);

/// <summary>Splits the inside of one <c>{{ … }}</c> action into tokens.</summary>
internal static class TemplateLexer
{
    public static List<Token> Tokenize(string action)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < action.Length)
        {
            var c = action[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "("));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")"));
                    i++;
                    // A field chain may follow a closing paren directly: (index .A 0).Name
                    if (i < action.Length && action[i] == '.' && i + 1 < action.Length && IsIdentStart(action[i + 1]))
                    {
                        var start = i;
                        i = ReadFieldChain(action, i);
                        tokens.Add(new Token(TokenKind.Field, action[start..i]));
                    }
                    continue;
                case '|':
                    tokens.Add(new Token(TokenKind.Pipe, "|"));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ","));
                    i++;
                    continue;
                case ':' when i + 1 < action.Length && action[i + 1] == '=':
                    tokens.Add(new Token(TokenKind.Declare, ":="));
                    i += 2;
                    continue;
                case '=':
                    tokens.Add(new Token(TokenKind.Assign, "="));
                    i++;
                    continue;
                case '"':
                    tokens.Add(new Token(TokenKind.String, "", ReadQuoted(action, ref i)));
                    continue;
                case '`':
                    var close = action.IndexOf('`', i + 1);
                    if (close < 0)
                        throw new TemplateException("unterminated raw quoted string");
                    tokens.Add(new Token(TokenKind.String, "", action[(i + 1)..close]));
                    i = close + 1;
                    continue;
                case '.':
                    if (i + 1 < action.Length && IsIdentStart(action[i + 1]))
                    {
                        var start = i;
                        i = ReadFieldChain(action, i);
                        tokens.Add(new Token(TokenKind.Field, action[start..i]));
                    }
                    else
                    {
                        tokens.Add(new Token(TokenKind.Dot, "."));
                        i++;
                    }
                    continue;
                case '$':
                {
                    var start = i++;
                    while (i < action.Length && IsIdentPart(action[i]))
                        i++;
                    var name = action[start..i];
                    tokens.Add(new Token(TokenKind.Variable, name));
                    if (i < action.Length && action[i] == '.' && i + 1 < action.Length && IsIdentStart(action[i + 1]))
                    {
                        var chainStart = i;
                        i = ReadFieldChain(action, i);
                        tokens.Add(new Token(TokenKind.Field, action[chainStart..i]));
                    }
                    continue;
                }
            }

            if (char.IsDigit(c) || (c is '-' or '+' && i + 1 < action.Length && char.IsDigit(action[i + 1])))
            {
                var start = i++;
                while (i < action.Length && (char.IsLetterOrDigit(action[i]) || action[i] is '.' or '_'))
                    i++;
                var text = action[start..i];
                object number = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    ? integer
                    : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                        ? real
                        : throw new TemplateException($"bad number syntax: \"{text}\"");
                tokens.Add(new Token(TokenKind.Number, text, number));
                continue;
            }

            if (IsIdentStart(c))
            {
                var start = i;
                while (i < action.Length && IsIdentPart(action[i]))
                    i++;
                var word = action[start..i];
                tokens.Add(word switch
                {
                    "true" => new Token(TokenKind.Bool, word, true),
                    "false" => new Token(TokenKind.Bool, word, false),
                    "nil" => new Token(TokenKind.Nil, word),
                    _ => new Token(TokenKind.Identifier, word),
                });
                continue;
            }

            throw new TemplateException($"unexpected \"{c}\" in command");
        }
        tokens.Add(new Token(TokenKind.End, ""));
        return tokens;
    }

    private static int ReadFieldChain(string text, int i)
    {
        while (i < text.Length && text[i] == '.' && i + 1 < text.Length && IsIdentStart(text[i + 1]))
        {
            i++;
            while (i < text.Length && IsIdentPart(text[i]))
                i++;
        }
        return i;
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsIdentPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string ReadQuoted(string text, ref int i)
    {
        var builder = new StringBuilder();
        i++;
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                builder.Append(text[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    '0' => '\0',
                    var other => throw new TemplateException($"unknown escape sequence: \\{other}"),
                });
            }
            else
            {
                builder.Append(text[i]);
            }
            i++;
        }
        if (i >= text.Length)
            throw new TemplateException("unterminated quoted string");
        i++;
        return builder.ToString();
    }
}

/// <summary>A template that cannot be parsed or executed; the message follows Go's wording where practical.</summary>
internal sealed class TemplateException(string message) : Exception(message);
