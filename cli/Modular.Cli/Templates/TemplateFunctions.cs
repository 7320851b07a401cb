using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Modular.Cli.Templates;

/// <summary>Go's builtin template functions plus docker's (json, split, join, title, lower, upper, pad, truncate).</summary>
internal static class TemplateFunctions
{
    public static bool TryCall(string name, IReadOnlyList<object?> args, out object? result)
    {
        result = name switch
        {
            "json" => TemplateValues.ToJson(One(name, args)),
            "upper" => Text(One(name, args)).ToUpperInvariant(),
            "lower" => Text(One(name, args)).ToLowerInvariant(),
            "title" => Title(Text(One(name, args))),
            "split" => Split(args),
            "join" => Join(args),
            "pad" => Pad(args),
            "truncate" => Truncate(args),
            "len" => (long)TemplateValues.Length(One(name, args)),
            "index" => Index(args),
            "print" => Sprint(args),
            "println" => string.Join(" ", args.Select(TemplateValues.Print)) + "\n",
            "printf" => args.Count == 0 ? throw new TemplateException("wrong number of args for printf") : Printf(Text(args[0]), args.Skip(1).ToList()),
            "eq" => Eq(args),
            "ne" => !TemplateValues.AreEqual(Two(name, args).Left, Two(name, args).Right),
            "lt" => TemplateValues.Compare(Two(name, args).Left, Two(name, args).Right) < 0,
            "le" => TemplateValues.Compare(Two(name, args).Left, Two(name, args).Right) <= 0,
            "gt" => TemplateValues.Compare(Two(name, args).Left, Two(name, args).Right) > 0,
            "ge" => TemplateValues.Compare(Two(name, args).Left, Two(name, args).Right) >= 0,
            "and" => args.Count == 0 ? throw new TemplateException("wrong number of args for and") : args.FirstOrDefault(a => !TemplateValues.IsTrue(a), args[^1]),
            "or" => args.Count == 0 ? throw new TemplateException("wrong number of args for or") : args.FirstOrDefault(TemplateValues.IsTrue, args[^1]),
            "not" => !TemplateValues.IsTrue(One(name, args)),
            _ => NoValue.Instance,
        };
        return result is not NoValue;
    }

    private static object? One(string name, IReadOnlyList<object?> args) =>
        args.Count == 1 ? args[0] : throw new TemplateException($"wrong number of args for {name}: want 1 got {args.Count}");

    private static (object? Left, object? Right) Two(string name, IReadOnlyList<object?> args) =>
        args.Count == 2 ? (args[0], args[1]) : throw new TemplateException($"wrong number of args for {name}: want 2 got {args.Count}");

    private static string Text(object? value) => value switch
    {
        string text => text,
        _ => TemplateValues.Print(value),
    };

    private static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        var atWordStart = true;
        foreach (var c in text)
        {
            builder.Append(atWordStart ? char.ToUpperInvariant(c) : c);
            atWordStart = !char.IsLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return builder.ToString();
    }

    private static List<object?> Split(IReadOnlyList<object?> args)
    {
        if (args.Count != 2)
            throw new TemplateException("wrong number of args for split: want 2");
        var separator = Text(args[1]);
        var text = Text(args[0]);
        return separator.Length == 0 ? text.Select(c => (object?)c.ToString()).ToList() : text.Split(separator).Select(s => (object?)s).ToList();
    }

    private static string Join(IReadOnlyList<object?> args)
    {
        if (args.Count != 2)
            throw new TemplateException("wrong number of args for join: want 2");
        var items = args[0] switch
        {
            JsonArray array => array.Select(node => Text(TemplateValues.FromJson(node))),
            IEnumerable<object?> list => list.Select(Text),
            null or NoValue => [],
            var other => throw new TemplateException($"wrong type for value; expected []string; got {TemplateValues.TypeName(other)}"),
        };
        return string.Join(Text(args[1]), items);
    }

    private static string Pad(IReadOnlyList<object?> args)
    {
        if (args.Count != 3)
            throw new TemplateException("wrong number of args for pad: want 3");
        return new string(' ', (int)ToLong(args[1])) + Text(args[0]) + new string(' ', (int)ToLong(args[2]));
    }

    private static string Truncate(IReadOnlyList<object?> args)
    {
        if (args.Count != 2)
            throw new TemplateException("wrong number of args for truncate: want 2");
        var text = Text(args[0]);
        var length = (int)ToLong(args[1]);
        return text.Length <= length ? text : text[..length];
    }

    private static long ToLong(object? value) => value switch
    {
        long integer => integer,
        int integer => integer,
        double real => (long)real,
        _ => throw new TemplateException($"expected integer; found {TemplateValues.Print(value)}"),
    };

    private static object? Index(IReadOnlyList<object?> args)
    {
        if (args.Count == 0)
            throw new TemplateException("wrong number of args for index");
        var current = args[0];
        foreach (var key in args.Skip(1))
        {
            current = current switch
            {
                JsonArray array => ToLong(key) is var i && i >= 0 && i < array.Count
                    ? TemplateValues.FromJson(array[(int)i])
                    : throw new TemplateException($"error calling index: index out of range: {TemplateValues.Print(key)}"),
                IReadOnlyList<object?> list => ToLong(key) is var j && j >= 0 && j < list.Count
                    ? list[(int)j]
                    : throw new TemplateException($"error calling index: index out of range: {TemplateValues.Print(key)}"),
                // Go's index on a missing map key yields the element's zero value; docker's maps are map[string]string.
                JsonObject obj => obj.TryGetPropertyValue(Text(key), out var node) ? TemplateValues.FromJson(node) : "",
                null or NoValue => throw new TemplateException("error calling index: index of untyped nil"),
                var other => throw new TemplateException($"error calling index: can't index item of type {TemplateValues.TypeName(other)}"),
            };
        }
        return current;
    }

    private static bool Eq(IReadOnlyList<object?> args)
    {
        if (args.Count < 2)
            throw new TemplateException("missing argument for comparison");
        return args.Skip(1).Any(candidate => TemplateValues.AreEqual(args[0], candidate));
    }

    /// <summary>Go's fmt.Sprint: spaces between operands when neither side is a string.</summary>
    private static string Sprint(IReadOnlyList<object?> args)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
                builder.Append(' ');
            builder.Append(TemplateValues.Print(args[i]));
        }
        return builder.ToString();
    }

    /// <summary>Go's fmt.Sprintf for the verbs templates use: %s %v %d %q %t %f %x %%, with - 0 flags, width and precision.</summary>
    internal static string Printf(string format, IReadOnlyList<object?> args)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                builder.Append(format[i]);
                continue;
            }
            i++;
            if (i >= format.Length)
            {
                builder.Append("%!(NOVERB)");
                break;
            }
            var leftAlign = false;
            var zeroPad = false;
            while (i < format.Length && format[i] is '-' or '0' or '+' or ' ' or '#')
            {
                leftAlign |= format[i] == '-';
                zeroPad |= format[i] == '0';
                i++;
            }
            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i) ?? 0;
            }
            if (i >= format.Length)
            {
                builder.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i];
            if (verb == '%')
            {
                builder.Append('%');
                continue;
            }
            if (next >= args.Count)
            {
                builder.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }
            var arg = args[next++];
            var text = verb switch
            {
                's' or 'v' => precision is { } p && arg is string s && s.Length > p ? s[..p] : TemplateValues.Print(arg),
                'd' => arg is long or int ? TemplateValues.Print(arg) : $"%!d({TemplateValues.TypeName(arg)}={TemplateValues.Print(arg)})",
                'q' => TemplateValues.ToJson(arg is string ? arg : TemplateValues.Print(arg)),
                't' => arg is bool ? TemplateValues.Print(arg) : $"%!t({TemplateValues.TypeName(arg)}={TemplateValues.Print(arg)})",
                'f' => arg is long or int or double
                    ? Convert.ToDouble(arg, CultureInfo.InvariantCulture).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture)
                    : $"%!f({TemplateValues.TypeName(arg)}={TemplateValues.Print(arg)})",
                'x' => arg switch
                {
                    long integer => integer.ToString("x", CultureInfo.InvariantCulture),
                    string s => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(s)),
                    _ => $"%!x({TemplateValues.TypeName(arg)}={TemplateValues.Print(arg)})",
                },
                _ => $"%!{verb}({TemplateValues.TypeName(arg)}={TemplateValues.Print(arg)})",
            };
            if (width is { } w && text.Length < w)
                text = leftAlign ? text.PadRight(w) : zeroPad && verb is 'd' or 'f' ? text.PadLeft(w, '0') : text.PadLeft(w);
            builder.Append(text);
        }
        if (next < args.Count)
            builder.Append("%!(EXTRA ").Append(string.Join(", ", args.Skip(next).Select(a => $"{TemplateValues.TypeName(a)}={TemplateValues.Print(a)}"))).Append(')');
        return builder.ToString();
    }

    private static int? ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsDigit(text[i]))
            i++;
        return i > start ? int.Parse(text[start..i], CultureInfo.InvariantCulture) : null;
    }
}
