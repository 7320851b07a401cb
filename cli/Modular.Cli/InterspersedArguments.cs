using System.CommandLine;

namespace Modular.Cli;

/// <summary>
/// Two docker parsing rules System.CommandLine lacks. (1) run/create/exec/top stop reading their own flags at the first
/// positional (flags.SetInterspersed(false)), so in <c>run busybox ls -la</c> the <c>-la</c> belongs to ls: a
/// <c>--</c> is inserted right after the image. (2) An unknown flag is an error ("unknown flag: --x"), never a
/// positional value.
/// </summary>
internal static class InterspersedArguments
{
    private static readonly HashSet<string> StopAtFirstPositional = ["run", "create", "exec", "top"];

    public sealed record Prepared(string[] Arguments, string? Error, string CommandPath, Command Command);

    public static Prepared Prepare(RootCommand root, string[] args)
    {
        Command command = root;
        var path = new List<string>();
        var i = 0;
        while (i < args.Length)
        {
            var token = args[i];
            if (token == "--")
                break;
            if (token.StartsWith('-') && token != "-")
            {
                if (Check(command, token) is { } unknown)
                    return new Prepared(args, unknown, string.Join(' ', path), command);
                i += TakesSeparateValue(command, token) ? 2 : 1;
                continue;
            }

            var sub = command.Subcommands.FirstOrDefault(c => c.Name == token || c.Aliases.Contains(token));
            if (sub is not null)
            {
                command = sub;
                path.Add(sub.Name);
                i++;
                continue;
            }

            if (StopAtFirstPositional.Contains(command.Name) && command.Parents.Any(p => p == root))
            {
                if (i < args.Length - 1)
                    return new Prepared([.. args[..(i + 1)], "--", .. args[(i + 1)..]], null, string.Join(' ', path), command);
                break;
            }
            i++;
        }
        return new Prepared(args, null, string.Join(' ', path), command);
    }

    /// <summary>Null when every flag in the token is known; otherwise docker's message for the first unknown one.</summary>
    private static string? Check(Command command, string token)
    {
        var options = OptionTable(command);
        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            var name = token.Split('=', 2)[0];
            return options.ContainsKey(name) ? null : $"unknown flag: {name}";
        }
        for (var c = 1; c < token.Length; c++)
        {
            if (!options.TryGetValue("-" + token[c], out var takesValue))
                return $"unknown shorthand flag: '{token[c]}' in -{token[c..]}";
            if (takesValue)
                return null;
        }
        return null;
    }

    private static bool TakesSeparateValue(Command command, string token)
    {
        var options = OptionTable(command);
        if (token.StartsWith("--", StringComparison.Ordinal))
            return !token.Contains('=') && options.TryGetValue(token, out var takesValue) && takesValue;
        for (var c = 1; c < token.Length; c++)
            if (options.TryGetValue("-" + token[c], out var takesValue) && takesValue)
                return c == token.Length - 1;
        return false;
    }

    private static Dictionary<string, bool> OptionTable(Command command)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal) { ["--help"] = false };
        foreach (var option in command.Options.Concat([CliContext.HostOption, CliContext.DebugOption]))
        {
            var takesValue = option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
            result[option.Name] = takesValue;
            foreach (var alias in option.Aliases)
                result[alias] = takesValue;
        }
        return result;
    }
}
