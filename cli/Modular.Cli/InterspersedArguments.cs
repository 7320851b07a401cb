using System.CommandLine;

namespace Modular.Cli;

/// <summary>
/// Docker stops reading its own flags at the first positional argument of run/create (flags.SetInterspersed(false)),
/// so in <c>run busybox ls -la</c> the <c>-la</c> belongs to ls. System.CommandLine has no such mode; inserting
/// <c>--</c> right after the image gets the same effect.
/// </summary>
internal static class InterspersedArguments
{
    private static readonly HashSet<string> StopAtFirstPositional = ["run", "create"];

    public static string[] Protect(RootCommand root, string[] args)
    {
        var index = 0;
        index = SkipOptions(root, args, index, out var commandIndex);
        if (commandIndex < 0 || !StopAtFirstPositional.Contains(args[commandIndex]))
            return args;

        var command = root.Subcommands.First(c => c.Name == args[commandIndex]);
        SkipOptions(command, args, commandIndex + 1, out var firstPositional);
        if (firstPositional < 0 || firstPositional == args.Length - 1)
            return args;
        return [.. args[..(firstPositional + 1)], "--", .. args[(firstPositional + 1)..]];
    }

    /// <summary>Walks options of <paramref name="command"/> from <paramref name="start"/>; returns the index of the first positional (or -1).</summary>
    private static int SkipOptions(Command command, string[] args, int start, out int positional)
    {
        var options = AllOptions(command);
        for (var i = start; i < args.Length; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                positional = -1;
                return i;
            }
            if (!token.StartsWith('-') || token == "-")
            {
                positional = i;
                return i;
            }
            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                if (!token.Contains('=') && options.TryGetValue(token, out var takesValue) && takesValue)
                    i++;
                continue;
            }
            // A short-flag bundle: -it, -dit, -eFOO=bar, -e FOO.
            for (var c = 1; c < token.Length; c++)
            {
                if (options.TryGetValue("-" + token[c], out var takesValue) && takesValue)
                {
                    if (c == token.Length - 1)
                        i++;
                    break;
                }
            }
        }
        positional = -1;
        return args.Length;
    }

    private static Dictionary<string, bool> AllOptions(Command command)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        IEnumerable<Option> options = command.Options;
        if (command is RootCommand)
            options = options.Concat([CliContext.HostOption, CliContext.DebugOption]);
        else
            options = options.Concat([CliContext.HostOption, CliContext.DebugOption]);
        foreach (var option in options)
        {
            var takesValue = option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
            result[option.Name] = takesValue;
            foreach (var alias in option.Aliases)
                result[alias] = takesValue;
        }
        return result;
    }
}
