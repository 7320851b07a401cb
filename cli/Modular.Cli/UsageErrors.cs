using System.CommandLine;
using System.CommandLine.Parsing;

namespace Modular.Cli;

/// <summary>
/// What docker (cobra and pflag) prints for a command line it cannot run: a wrong argument count (exit status 1) or a
/// bad flag (exit status 125), each followed by the command's usage line and a pointer to its --help. The wording of
/// each case is docker 28's, typos included.
/// </summary>
internal static class UsageErrors
{
    public sealed record Report(string Text, int ExitCode);

    private const string Unrecognized = "Unrecognized command or argument '";
    private const string MissingForCommand = "Required argument missing for command";
    private const string MissingForOption = "Required argument missing for option: '";

    /// <summary>The report for a parse that failed. Flag errors come first, as pflag reads flags before cobra counts arguments.</summary>
    public static Report For(ParseResult result)
    {
        var commandPath = CommandPath(result);
        var command = result.CommandResult.Command;
        var messages = result.Errors.Select(e => e.Message).ToList();

        if (messages.FirstOrDefault(m => m.StartsWith(Unrecognized, StringComparison.Ordinal) && Token(m, Unrecognized).StartsWith('-')) is { } flag)
            return ForFlag($"unknown flag: {Token(flag, Unrecognized)}", commandPath, command);
        if (messages.FirstOrDefault(m => m.StartsWith(MissingForOption, StringComparison.Ordinal)) is { } missingValue)
            return ForFlag(NeedsArgument(Token(missingValue, MissingForOption)), commandPath, command);

        var stray = messages.FirstOrDefault(m => m.StartsWith(Unrecognized, StringComparison.Ordinal));
        if (commandPath.Length > 0 && command.Subcommands.Count == 0
            && (stray is not null || messages.Any(m => m.StartsWith(MissingForCommand, StringComparison.Ordinal))))
            return ForArgumentCount(command, commandPath);
        if (stray is not null)
            return ForUnknownCommand(Token(stray, Unrecognized), commandPath);
        return ForFlag(messages[0], commandPath, command);
    }

    /// <summary>cobra's unknown subcommand: "modular: unknown command: modular [GROUP] NAME", the group's bare usage line, status 1.</summary>
    private static Report ForUnknownCommand(string token, string commandPath)
    {
        var group = commandPath.Length == 0 ? "modular" : $"modular {commandPath}";
        var usage = commandPath.Length == 0 ? "" : $"Usage:  {group}\n\n";
        return new Report($"modular: unknown command: {group} {token}\n\n{usage}Run '{group} --help' for more information", 1);
    }

    /// <summary>The report for a flag error found before parsing (an unknown flag; see <see cref="InterspersedArguments"/>).</summary>
    public static Report ForFlag(string message, string commandPath, Command command)
    {
        var help = commandPath.Length == 0 ? "See 'modular --help'." : $"Run 'modular {commandPath} --help' for more information";
        var text = commandPath.Length == 0 ? $"{message}\n\n{help}" : $"{message}\n\n{UsageBlock(command, commandPath)}{help}";
        return new Report(text, commandPath.Length == 0 ? 1 : CliErrors.DaemonError);
    }

    /// <summary>cobra's argument-count validators (NoArgs, ExactArgs, RequiresMinArgs, RequiresMaxArgs, RequiresRangeArgs), read off the
    /// command's argument arities.</summary>
    public static Report ForArgumentCount(Command command, string commandPath)
    {
        var minimum = command.Arguments.Sum(a => a.Arity.MinimumNumberOfValues);
        var maximum = command.Arguments.Sum(a => (long)a.Arity.MaximumNumberOfValues);
        var unbounded = maximum >= ArgumentArity.OneOrMore.MaximumNumberOfValues;
        static string Count(long n) => n == 1 ? "1 argument" : $"{n} arguments";
        var (problem, help) = command.Arguments.Count == 0 || maximum == 0 ? ("accepts no arguments", "Run")
            : unbounded ? ("requires at least " + Count(minimum), "See")
            : minimum == maximum ? ("requires " + Count(minimum), "Run")
            // docker/cli's RequiresMaxArgs really prints "SRun".
            : minimum == 0 ? ("requires at most " + Count(maximum), "SRun")
            : ($"requires at least {minimum} and at most {Count(maximum)}", "Run");
        return new Report(
            $"modular: 'modular {commandPath}' {problem}\n\n{UsageBlock(command, commandPath)}{help} 'modular {commandPath} --help' for more information", 1);
    }

    /// <summary>"Usage:  modular PATH USE\n\n": docker's use line for the command, else one made from its options and arguments.</summary>
    private static string UsageBlock(Command command, string commandPath)
    {
        var use = DockerUse.TryGetValue(commandPath, out var known) ? known.Replace("\n", $"\n\tmodular {commandPath} ", StringComparison.Ordinal)
            : UseFromDefinition(command);
        return $"Usage:  modular {commandPath}{(use.Length > 0 ? " " + use : "")}\n\n";
    }

    private static string UseFromDefinition(Command command)
    {
        var parts = new List<string>();
        if (command.Options.Count > 0)
            parts.Add("[OPTIONS]");
        foreach (var argument in command.Arguments)
        {
            var name = argument.Name;
            var many = argument.Arity.MaximumNumberOfValues > 1;
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{name}{(many ? "..." : "")}]"
                : many ? $"{name} [{name}...]" : name);
        }
        return string.Join(' ', parts);
    }

    /// <summary>pflag's wording: "flag needs an argument: 'e' in -e" for a shorthand, "flag needs an argument: --format" otherwise.</summary>
    private static string NeedsArgument(string option) =>
        option.Length == 2 && option[0] == '-' ? $"flag needs an argument: '{option[1]}' in {option}" : $"flag needs an argument: {option}";

    private static string Token(string message, string prefix) => message[prefix.Length..].TrimEnd('.').TrimEnd('\'');

    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var current = result.CommandResult; current?.Parent is CommandResult parent; current = parent)
            names.Insert(0, current.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>docker 28's use lines (after "docker PATH"); a second form of the command follows a newline.</summary>
    private static readonly Dictionary<string, string> DockerUse = new()
    {
        ["run"] = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        ["create"] = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        ["start"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["attach"] = "[OPTIONS] CONTAINER",
        ["stop"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["kill"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["restart"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["rm"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["wait"] = "CONTAINER [CONTAINER...]",
        ["ps"] = "[OPTIONS]",
        ["stats"] = "[OPTIONS] [CONTAINER...]",
        ["cp"] = "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n[OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
        ["logs"] = "[OPTIONS] CONTAINER",
        ["inspect"] = "[OPTIONS] NAME|ID [NAME|ID...]",
        ["images"] = "[OPTIONS] [REPOSITORY[:TAG]]",
        ["import"] = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        ["load"] = "[OPTIONS]",
        ["tag"] = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        ["rmi"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["pull"] = "[OPTIONS] NAME[:TAG|@DIGEST]",
        ["push"] = "[OPTIONS] NAME[:TAG]",
        ["login"] = "[OPTIONS] [SERVER]",
        ["logout"] = "[SERVER]",
        ["build"] = "[OPTIONS] PATH | URL | -",
        ["commit"] = "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
        ["export"] = "[OPTIONS] CONTAINER",
        ["save"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["history"] = "[OPTIONS] IMAGE",
        ["version"] = "[OPTIONS]",
        ["info"] = "[OPTIONS]",
        ["exec"] = "[OPTIONS] CONTAINER COMMAND [ARG...]",
        ["pause"] = "CONTAINER [CONTAINER...]",
        ["unpause"] = "CONTAINER [CONTAINER...]",
        ["top"] = "CONTAINER [ps OPTIONS]",
        ["rename"] = "CONTAINER NEW_NAME",
        ["diff"] = "CONTAINER",
        ["port"] = "CONTAINER [PRIVATE_PORT[/PROTO]]",
        ["events"] = "[OPTIONS]",
        ["network ls"] = "[OPTIONS]",
        ["network create"] = "[OPTIONS] NETWORK",
        ["network rm"] = "NETWORK [NETWORK...]",
        ["network inspect"] = "[OPTIONS] NETWORK [NETWORK...]",
        ["network connect"] = "[OPTIONS] NETWORK CONTAINER",
        ["network disconnect"] = "[OPTIONS] NETWORK CONTAINER",
        ["network prune"] = "[OPTIONS]",
        ["volume create"] = "[OPTIONS] [VOLUME]",
        ["volume ls"] = "[OPTIONS]",
        ["volume inspect"] = "[OPTIONS] VOLUME [VOLUME...]",
        ["volume rm"] = "[OPTIONS] VOLUME [VOLUME...]",
        ["volume prune"] = "[OPTIONS]",
        ["image history"] = "[OPTIONS] IMAGE",
        ["image prune"] = "[OPTIONS]",
        ["image save"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["image import"] = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        ["image load"] = "[OPTIONS]",
        ["image tag"] = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        ["system df"] = "[OPTIONS]",
        ["system events"] = "[OPTIONS]",
        ["system info"] = "[OPTIONS]",
    };
}
