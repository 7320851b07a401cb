using System.Text;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// Applies <c>docker import --change</c> lines (Dockerfile instructions that only change the config) to an image's
/// execution config. Variable substitution (<c>$VAR</c>) is not performed.
/// </summary>
internal static class ChangeCommands
{
    public static ImageExecutionConfig Apply(ImageExecutionConfig config, IReadOnlyList<string> changes)
    {
        var cmdSet = false;
        foreach (var line in changes)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            var split = trimmed.IndexOfAny([' ', '\t']);
            var instruction = (split < 0 ? trimmed : trimmed[..split]).ToLowerInvariant();
            var rest = split < 0 ? "" : trimmed[(split + 1)..].Trim();
            switch (instruction)
            {
                case "cmd":
                    config = config with { Cmd = CommandForm(rest) };
                    cmdSet = true;
                    break;
                case "entrypoint":
                    config = config with { Entrypoint = CommandForm(rest), Cmd = cmdSet ? config.Cmd : null };
                    break;
                case "env":
                    config = config with { Env = MergeEnv(config.Env, Pairs("ENV", rest)) };
                    break;
                case "label":
                    config = config with { Labels = MergeLabels(config.Labels, Pairs("LABEL", rest)) };
                    break;
                case "expose":
                    config = config with { ExposedPorts = Union(config.ExposedPorts, ExposedPorts(rest)) };
                    break;
                case "volume":
                    config = config with { Volumes = Union(config.Volumes, Volumes(rest)) };
                    break;
                case "user":
                    config = config with { User = Required("USER", rest) };
                    break;
                case "workdir":
                    config = config with { WorkingDir = WorkingDir(config.WorkingDir, Required("WORKDIR", rest)) };
                    break;
                case "stopsignal":
                    config = config with { StopSignal = StopSignal(rest) };
                    break;
                case "onbuild":
                    config = config with { OnBuild = [.. config.OnBuild ?? [], OnBuildTrigger(rest)] };
                    break;
                default:
                    throw DriverException.InvalidArgument($"{instruction} is not a valid change command");
            }
        }
        return config;
    }

    /// <summary>JSON (exec) form as is; shell form runs through <c>/bin/sh -c</c>.</summary>
    private static IReadOnlyList<string> CommandForm(string rest) =>
        TryJsonArray(rest) ?? ["/bin/sh", "-c", rest];

    private static IReadOnlyList<string>? TryJsonArray(string text)
    {
        if (!text.StartsWith('['))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<string[]>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Required(string instruction, string rest) =>
        rest.Length > 0 ? rest : throw DriverException.InvalidArgument($"{instruction} requires exactly one argument");

    /// <summary>
    /// <c>key=value ...</c> with shell-like quoting, or the legacy <c>key value with spaces</c> form when the first word
    /// has no '='.
    /// </summary>
    private static List<KeyValuePair<string, string>> Pairs(string instruction, string rest)
    {
        var words = Words(rest);
        if (words.Count == 0)
        {
            throw DriverException.InvalidArgument($"{instruction} requires at least one argument");
        }
        var pairs = new List<KeyValuePair<string, string>>();
        if (!words[0].Contains('='))
        {
            var valueStart = rest.IndexOfAny([' ', '\t']);
            if (valueStart < 0)
            {
                throw DriverException.InvalidArgument($"{instruction} must have two arguments");
            }
            pairs.Add(new(words[0], string.Join(' ', Words(rest[valueStart..]))));
            return pairs;
        }
        foreach (var word in words)
        {
            var equals = word.IndexOf('=');
            if (equals < 0)
            {
                throw DriverException.InvalidArgument(
                    $"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
            }
            if (equals == 0)
            {
                throw DriverException.InvalidArgument($"{instruction} names can not be blank");
            }
            pairs.Add(new(word[..equals], word[(equals + 1)..]));
        }
        return pairs;
    }

    /// <summary>Splits on blanks, honouring "double" and 'single' quotes and backslash escapes, and drops the quotes.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && char.IsWhiteSpace(c))
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
            if (c == '\\' && quote != '\'' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
            }
            else if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else
            {
                word.Append(c);
            }
        }
        if (quote is not null)
        {
            throw DriverException.InvalidArgument($"unexpected end of statement while looking for matching {quote}");
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private static IReadOnlyList<string> MergeEnv(IReadOnlyList<string>? env, List<KeyValuePair<string, string>> pairs)
    {
        var merged = new List<string>(env ?? []);
        foreach (var (key, value) in pairs)
        {
            var entry = key + "=" + value;
            var index = merged.FindIndex(existing => existing == key || existing.StartsWith(key + "=", StringComparison.Ordinal));
            if (index >= 0)
            {
                merged[index] = entry;
            }
            else
            {
                merged.Add(entry);
            }
        }
        return merged;
    }

    private static IReadOnlyDictionary<string, string> MergeLabels(IReadOnlyDictionary<string, string>? labels,
        List<KeyValuePair<string, string>> pairs)
    {
        var merged = new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            merged[key] = value;
        }
        return merged;
    }

    private static IReadOnlyList<string> Union(IReadOnlyList<string>? existing, IEnumerable<string> added) =>
        (existing ?? []).Concat(added).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private static IEnumerable<string> ExposedPorts(string rest)
    {
        var words = Words(rest);
        if (words.Count == 0)
        {
            throw DriverException.InvalidArgument("EXPOSE requires at least one argument");
        }
        foreach (var word in words)
        {
            var slash = word.IndexOf('/');
            var range = slash < 0 ? word : word[..slash];
            var protocol = slash < 0 ? "tcp" : word[(slash + 1)..].ToLowerInvariant();
            if (protocol is not ("tcp" or "udp" or "sctp"))
            {
                throw DriverException.InvalidArgument($"invalid proto: {protocol}");
            }
            var dash = range.IndexOf('-');
            if (!ushort.TryParse(dash < 0 ? range : range[..dash], out var first) ||
                !ushort.TryParse(dash < 0 ? range : range[(dash + 1)..], out var last) || last < first)
            {
                throw DriverException.InvalidArgument($"invalid containerPort: {range}");
            }
            for (var port = (int)first; port <= last; port++)
            {
                yield return $"{port}/{protocol}";
            }
        }
    }

    private static IEnumerable<string> Volumes(string rest)
    {
        var volumes = TryJsonArray(rest) ?? Words(rest);
        if (volumes.Count == 0 || volumes.Any(volume => volume.Trim().Length == 0))
        {
            throw DriverException.InvalidArgument("VOLUME specified can not be an empty string");
        }
        return volumes.Select(volume => volume.Trim());
    }

    private static string WorkingDir(string? current, string requested)
    {
        var combined = requested.StartsWith('/') ? requested : (current ?? "/") + "/" + requested;
        var parts = new List<string>();
        foreach (var part in combined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return "/" + string.Join('/', parts);
    }

    private static string StopSignal(string rest)
    {
        var signal = Required("STOPSIGNAL", rest);
        var valid = int.TryParse(signal, out var number)
            ? number > 0
            : signal.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-');
        return valid ? signal : throw DriverException.InvalidArgument($"Invalid signal: {signal}");
    }

    private static string OnBuildTrigger(string rest)
    {
        var trigger = Required("ONBUILD", rest);
        var split = trigger.IndexOfAny([' ', '\t']);
        var keyword = (split < 0 ? trigger : trigger[..split]).ToUpperInvariant();
        if (keyword == "ONBUILD")
        {
            throw DriverException.InvalidArgument("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (keyword is "MAINTAINER" or "FROM")
        {
            throw DriverException.InvalidArgument($"{keyword} isn't allowed as an ONBUILD trigger");
        }
        return split < 0 ? keyword : keyword + trigger[split..];
    }
}
