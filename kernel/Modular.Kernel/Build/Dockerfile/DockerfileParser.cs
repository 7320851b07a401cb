using System.Text.Json;
using System.Text.RegularExpressions;
using Modular.Kernel.Images;

namespace Modular.Kernel.Build.Dockerfile;

/// <summary>A parsed Dockerfile: the instructions in order, the escape character and the syntax directive.</summary>
public sealed record DockerfileDocument(IReadOnlyList<Instruction> Instructions, char Escape, string? Syntax);

/// <summary>
/// Turns a Dockerfile's text into typed instructions, with Docker's validation and error wording
/// ("dockerfile parse error on line N: ..."). Nothing is expanded here: variables depend on the build's state.
/// </summary>
public static partial class DockerfileParser
{
    public static DockerfileDocument Parse(string text)
    {
        var split = DockerfileLines.Split(text);
        var instructions = split.Lines.Select(line => ParseLine(line, split.Escape)).ToList();
        if (instructions.Count == 0)
        {
            throw new DockerfileException("the Dockerfile (Dockerfile) cannot be empty");
        }
        return new DockerfileDocument(instructions, split.Escape, split.Syntax);
    }

    /// <summary>Parses one instruction (an ONBUILD trigger, for instance) written on one line.</summary>
    public static Instruction ParseTrigger(string text, char escape, int line)
    {
        var split = DockerfileLines.Split(text);
        if (split.Lines.Count != 1)
        {
            throw DockerfileException.OnLine(line, $"invalid ONBUILD trigger: {text}");
        }
        return ParseLine(split.Lines[0] with { Line = line }, escape);
    }

    private static Instruction ParseLine(LogicalLine line, char escape)
    {
        try
        {
            return ParseInstruction(line, escape);
        }
        catch (InstructionError e)
        {
            throw DockerfileException.OnLine(line.Line, e.Message);
        }
    }

    private static Instruction ParseInstruction(LogicalLine line, char escape)
    {
        var keyword = line.Keyword.ToUpperInvariant();
        var original = line.Original;
        var number = line.Line;
        var (flags, rest) = keyword is "ONBUILD" ? (new Flags(keyword, []), line.Rest) : ExtractFlags(keyword, line.Rest);
        switch (keyword)
        {
            case "FROM":
                return ParseFrom(original, number, flags, rest);
            case "RUN":
                flags.Check();
                return new RunInstruction(original, number, MaybeJson(rest), line.Heredocs);
            case "CMD":
                flags.Check();
                return new CmdInstruction(original, number, MaybeJson(rest));
            case "ENTRYPOINT":
                flags.Check();
                return new EntrypointInstruction(original, number, MaybeJson(rest));
            case "SHELL":
                flags.Check();
                return new ShellInstruction(original, number, TryJsonArray(rest) ?? throw new InstructionError("SHELL requires the arguments to be in JSON form"));
            case "ENV":
                flags.Check();
                return new EnvInstruction(original, number, NameValues("ENV", rest, escape));
            case "LABEL":
                flags.Check();
                return new LabelInstruction(original, number, NameValues("LABEL", rest, escape));
            case "ARG":
                flags.Check();
                return new ArgInstruction(original, number, Arguments(rest, escape));
            case "EXPOSE":
                flags.Check();
                var ports = Words(rest);
                return ports.Count == 0 ? throw new InstructionError("EXPOSE requires at least one argument") : new ExposeInstruction(original, number, ports);
            case "VOLUME":
                flags.Check();
                var volumes = TryJsonArray(rest) ?? Words(rest);
                if (volumes.Count == 0 || volumes.Any(v => v.Trim().Length == 0))
                {
                    throw new InstructionError("VOLUME specified can not be an empty string");
                }
                return new VolumeInstruction(original, number, volumes);
            case "USER" or "WORKDIR" or "STOPSIGNAL" or "MAINTAINER":
                flags.Check();
                return rest.Length == 0
                    ? throw new InstructionError($"{keyword} requires exactly one argument")
                    : new ValueInstruction(original, number, keyword, rest);
            case "COPY" or "ADD":
                return ParseCopy(original, number, keyword == "ADD", flags, rest, line.Heredocs);
            case "ONBUILD":
                return ParseOnBuild(original, number, rest, escape);
            case "HEALTHCHECK":
                return ParseHealthcheck(original, number, flags, rest);
            default:
                throw new InstructionError($"unknown instruction: {line.Keyword}");
        }
    }

    private static FromInstruction ParseFrom(string original, int line, Flags flags, string rest)
    {
        var platform = flags.String("platform");
        flags.Check();
        var words = Words(rest);
        if (words.Count is not (1 or 3) || (words.Count == 3 && !words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InstructionError("FROM requires either one or three arguments");
        }
        string? stage = null;
        if (words.Count == 3)
        {
            stage = words[2].ToLowerInvariant();
            if (!StageName().IsMatch(stage))
            {
                throw new InstructionError($"invalid name for build stage: \"{words[2]}\", name can't start with a number or contain symbols");
            }
        }
        return new FromInstruction(original, line, words[0], stage, platform);
    }

    private static CopyInstruction ParseCopy(string original, int line, bool isAdd, Flags flags, string rest, IReadOnlyList<Heredoc> heredocs)
    {
        var name = isAdd ? "ADD" : "COPY";
        var from = isAdd ? null : flags.String("from");
        var chown = flags.String("chown");
        var chmod = flags.String("chmod");
        if (isAdd)
        {
            flags.String("checksum");
        }
        flags.Check();
        var words = TryJsonArray(rest) ?? Words(rest);
        var heredocSources = heredocs.Count;
        if (words.Count < 2)
        {
            if (words.Count == 1 && heredocSources == 0)
            {
                throw new InstructionError($"{name} requires at least two arguments, but only one was provided. Destination could not be determined");
            }
            if (words.Count == 0)
            {
                throw new InstructionError($"{name} requires at least two arguments");
            }
        }
        if (chmod is not null && !Octal().IsMatch(chmod))
        {
            throw new InstructionError($"invalid chmod parameter: {chmod}");
        }
        var sources = words.Take(words.Count - 1).Where(source => !source.StartsWith("<<", StringComparison.Ordinal)).ToList();
        return new CopyInstruction(original, line, isAdd, sources, words[^1], from, chown, chmod, heredocs);
    }

    private static OnBuildInstruction ParseOnBuild(string original, int line, string rest, char escape)
    {
        if (rest.Length == 0)
        {
            throw new InstructionError("ONBUILD requires at least one argument");
        }
        var triggerKeyword = rest.Split([' ', '\t'], 2)[0].ToUpperInvariant();
        switch (triggerKeyword)
        {
            case "ONBUILD":
                throw new InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "FROM" or "MAINTAINER":
                throw new InstructionError($"{triggerKeyword} isn't allowed as an ONBUILD trigger");
        }
        var triggerLine = DockerfileLines.Split(rest).Lines.Single();
        var trigger = ParseInstruction(triggerLine with { Line = line }, escape);
        return new OnBuildInstruction(original, line, rest, trigger);
    }

    private static HealthcheckInstruction ParseHealthcheck(string original, int line, Flags flags, string rest)
    {
        var interval = flags.Duration("interval");
        var timeout = flags.Duration("timeout");
        var startPeriod = flags.Duration("start-period");
        var startInterval = flags.Duration("start-interval");
        var retriesText = flags.String("retries");
        flags.Check();
        var split = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        if (split.Length == 0)
        {
            throw new InstructionError("HEALTHCHECK requires at least one argument");
        }
        var type = split[0].ToUpperInvariant();
        if (type == "NONE")
        {
            if (split.Length > 1)
            {
                throw new InstructionError("HEALTHCHECK NONE takes no arguments");
            }
            return new HealthcheckInstruction(original, line, null, 0, 0, 0, 0, 0);
        }
        if (type != "CMD")
        {
            throw new InstructionError($"Unknown type \"{type}\" in HEALTHCHECK (try CMD)");
        }
        if (split.Length == 1)
        {
            throw new InstructionError("Missing command after HEALTHCHECK CMD");
        }
        var retries = 0;
        if (retriesText is not null && (!int.TryParse(retriesText, out retries) || retries < 0))
        {
            throw new InstructionError(retries < 0 ? "--retries cannot be negative" : $"invalid retries value: {retriesText}");
        }
        return new HealthcheckInstruction(original, line, MaybeJson(split[1].Trim()), interval, timeout, startPeriod, startInterval, retries);
    }

    private static CommandLine MaybeJson(string rest)
    {
        return TryJsonArray(rest) is { } exec ? new CommandLine(true, exec) : CommandLine.Shell(rest);
    }

    /// <summary>A JSON array of strings, or null when the text is not one (it is then the shell form, as in Docker).</summary>
    public static IReadOnlyList<string>? TryJsonArray(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('['))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(trimmed);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var items = new List<string>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                items.Add(item.GetString()!);
            }
            return items;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string> Words(string rest) =>
        rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>ENV and LABEL: <c>name=value ...</c>, or the legacy <c>name value with spaces</c>.</summary>
    private static IReadOnlyList<KeyValue> NameValues(string keyword, string rest, char escape)
    {
        var words = VariableExpander.SplitUnquoted(rest, escape);
        if (words.Count == 0)
        {
            throw new InstructionError($"{keyword} requires at least one argument");
        }
        if (!words[0].Contains('='))
        {
            var split = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (split.Length < 2)
            {
                throw new InstructionError($"{keyword} must have two arguments");
            }
            return [new KeyValue(split[0], split[1].Trim())];
        }
        var pairs = new List<KeyValue>();
        foreach (var word in words)
        {
            var equals = word.IndexOf('=');
            if (equals < 0)
            {
                throw new InstructionError($"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
            }
            if (equals == 0)
            {
                throw new InstructionError($"{keyword} names can not be blank");
            }
            pairs.Add(new KeyValue(word[..equals], word[(equals + 1)..]));
        }
        return pairs;
    }

    private static IReadOnlyList<KeyValue> Arguments(string rest, char escape)
    {
        var words = VariableExpander.SplitUnquoted(rest, escape);
        if (words.Count == 0)
        {
            throw new InstructionError("ARG requires at least one argument");
        }
        return words.Select(word =>
        {
            var equals = word.IndexOf('=');
            if (equals == 0)
            {
                throw new InstructionError("ARG names can not be blank");
            }
            return equals < 0 ? new KeyValue(word, null) : new KeyValue(word[..equals], word[(equals + 1)..]);
        }).ToList();
    }

    private static (Flags, string) ExtractFlags(string keyword, string rest)
    {
        var flags = new List<(string Name, string? Value)>();
        var position = 0;
        while (true)
        {
            while (position < rest.Length && char.IsWhiteSpace(rest[position]))
            {
                position++;
            }
            if (!rest.AsSpan(position).StartsWith("--"))
            {
                break;
            }
            var end = position;
            while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
            {
                end++;
            }
            var word = rest[(position + 2)..end];
            if (word.Length == 0)
            {
                position = end;
                break;
            }
            var equals = word.IndexOf('=');
            flags.Add(equals < 0 ? (word, null) : (word[..equals], word[(equals + 1)..]));
            position = end;
        }
        return (new Flags(keyword, flags), rest[position..]);
    }

    /// <summary>The <c>--name=value</c> flags of one instruction; <see cref="Check"/> refuses those nobody asked for.</summary>
    private sealed class Flags(string keyword, List<(string Name, string? Value)> values)
    {
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);

        public string? String(string name)
        {
            _known.Add(name);
            var matches = values.Where(flag => flag.Name == name).ToList();
            if (matches.Count > 1)
            {
                throw new InstructionError($"Duplicate flag specified: {name}");
            }
            if (matches.Count == 1 && matches[0].Value is null)
            {
                throw new InstructionError($"Missing a value on flag: {name}");
            }
            return matches.Count == 1 ? matches[0].Value : null;
        }

        public long Duration(string name)
        {
            if (String(name) is not { } text)
            {
                return 0;
            }
            if (!GoDuration.TryParse(text, out var duration))
            {
                throw new InstructionError($"time: invalid duration \"{text}\"");
            }
            if (duration != TimeSpan.Zero && duration < TimeSpan.FromMilliseconds(1))
            {
                throw new InstructionError($"Interval \"{name}\" cannot be less than 1ms");
            }
            return duration.Ticks * 100;
        }

        public void Check()
        {
            foreach (var (name, _) in values)
            {
                if (!_known.Contains(name))
                {
                    throw new InstructionError(name == "mount" && keyword == "RUN"
                        ? "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"
                        : $"Unknown flag: {name}");
                }
            }
        }
    }

    private sealed class InstructionError(string message) : Exception(message);

    [GeneratedRegex("^[a-z][a-z0-9-_.]*$")]
    private static partial Regex StageName();

    [GeneratedRegex("^[0-7]{1,4}$")]
    private static partial Regex Octal();
}
