using System.CommandLine;
using System.CommandLine.Help;
using Modular.Cli.Commands;

namespace Modular.Cli;

/// <summary>Builds the command tree, parses with docker's conventions and turns parse errors into docker's messages.</summary>
internal static class CliApplication
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args)
    {
        var root = BuildRoot();
        var configuration = new ParserConfiguration { EnablePosixBundling = true, ResponseFileTokenReplacer = null };
        var prepared = InterspersedArguments.Prepare(root, args);
        if (prepared.Error is not null)
            return ReportParseError(prepared.Error, prepared.CommandPath);

        var result = root.Parse(prepared.Arguments, configuration);
        if (result.Errors.Count > 0 && !HelpRequested(result))
            return ReportParseError(result);

        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        // Attached commands decide themselves what SIGINT/SIGTERM mean (forward to the container, restore the terminal);
        // the parser's handler would cancel the stream under them.
        if (result.CommandResult.Command.Name is "run" or "start" or "attach" or "exec")
            invocation.ProcessTerminationTimeout = null;
        return await result.InvokeAsync(invocation).ConfigureAwait(false);
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("A self-sufficient runtime for containers (Docker-compatible)");
        // Docker keeps -h free for `run -h HOSTNAME`; help is --help only, version is -v/--version.
        for (var i = root.Options.Count - 1; i >= 0; i--)
            if (root.Options[i] is HelpOption or VersionOption)
                root.Options.RemoveAt(i);
        root.Options.Add(new HelpOption("--help"));
        var version = new Option<bool>("--version", "-v") { Description = "Print version information and quit" };
        root.Options.Add(version);
        root.Options.Add(CliContext.HostOption);
        root.Options.Add(CliContext.DebugOption);

        root.SetAction(result =>
        {
            if (result.GetValue(version))
            {
                Console.Out.WriteLine($"Modular version {CliVersion.Version}, build {CliVersion.Commit}");
                return 0;
            }
            new HelpAction().Invoke(result);
            return 0;
        });

        foreach (var command in new[]
                 {
                     RunCommand.BuildRun(), RunCommand.BuildCreate(), StartCommand.Build(), AttachCommand.Build(),
                     LifecycleCommands.BuildStop(), LifecycleCommands.BuildKill(), LifecycleCommands.BuildRestart(),
                     LifecycleCommands.BuildRm(), LifecycleCommands.BuildWait(),
                     PsCommand.Build(), StatsCommand.Build(), CpCommand.Build(), LogsCommand.Build(), InspectCommand.Build(),
                     ImageCommands.BuildImages(), ImageCommands.BuildImport(), ImageCommands.BuildLoad(),
                     ImageCommands.BuildTag(), ImageCommands.BuildRmi(),
                     PullCommand.Build(), PushCommand.Build(), LoginCommands.BuildLogin(), LoginCommands.BuildLogout(),
                     BuildCommand.Build(),
                     ImageArchiveCommands.BuildCommit(), ImageArchiveCommands.BuildExport(), ImageArchiveCommands.BuildSave(),
                     ImageHistoryCommands.BuildHistory(), ImageHistoryCommands.BuildImageGroup(),
                     NetworkCommands.Build(), SystemCommands.BuildVersion(), SystemCommands.BuildInfo(),
                     VolumeCommands.Build(),
                     ExecCommand.Build(), ContainerOperationCommands.BuildPause(), ContainerOperationCommands.BuildUnpause(),
                     TopCommand.Build(), ContainerOperationCommands.BuildRename(), ContainerOperationCommands.BuildDiff(),
                     ContainerOperationCommands.BuildPort(), EventsCommand.Build(), DiskUsageCommand.BuildSystem(),
                     PluginCommands.Build(), DriverCommands.Build(),
                 })
            root.Subcommands.Add(command);
        return root;
    }

    private static bool HelpRequested(ParseResult result) => result.Action is HelpAction;

    private static int ReportParseError(ParseResult result)
    {
        var commandPath = CommandPath(result);
        var message = result.Errors[0].Message;
        const string unrecognized = "Unrecognized command or argument '";
        const string missing = "Required argument missing";
        var command = result.CommandResult.Command;
        if (commandPath.Length > 0 && command.Arguments.Count > 0
            && (message.StartsWith(missing, StringComparison.Ordinal)
                || (message.StartsWith(unrecognized, StringComparison.Ordinal) && !message[unrecognized.Length..].StartsWith('-'))))
            return ReportArgumentCount(command, commandPath);
        if (commandPath.Length > 0 && command.Arguments.Count == 0 && command.Subcommands.Count == 0
            && message.StartsWith(unrecognized, StringComparison.Ordinal) && !message[unrecognized.Length..].StartsWith('-'))
            return ReportArgumentCount(command, commandPath);
        if (message.StartsWith(unrecognized, StringComparison.Ordinal))
        {
            var token = message[unrecognized.Length..].TrimEnd('.', '\'');
            message = token.StartsWith('-') ? $"unknown flag: {token}"
                : commandPath.Length == 0 ? $"modular: '{token}' is not a modular command."
                : $"\"modular {commandPath}\" got an unexpected argument: {token}";
        }

        return ReportParseError(message, commandPath);
    }

    private static int ReportParseError(string message, string commandPath)
    {
        var help = commandPath.Length == 0 ? "See 'modular --help'." : $"Run 'modular {commandPath} --help' for more information";
        Console.Error.WriteLine(message);
        Console.Error.WriteLine();
        if (Usage.TryGetValue(commandPath, out var usage))
        {
            Console.Error.WriteLine($"Usage:  modular {commandPath} {usage}");
            Console.Error.WriteLine();
        }
        Console.Error.WriteLine(help);
        return commandPath.Length == 0 ? 1 : CliErrors.DaemonError;
    }

    /// <summary>cobra's argument-count validators (NoArgs, ExactArgs, RequiresMinArgs, RequiresMaxArgs, RequiresRangeArgs): their wording, the
    /// usage line, and status 1.</summary>
    private static int ReportArgumentCount(Command command, string commandPath)
    {
        var minimum = command.Arguments.Sum(a => a.Arity.MinimumNumberOfValues);
        var maximum = command.Arguments.Sum(a => (long)a.Arity.MaximumNumberOfValues);
        var unbounded = maximum >= ArgumentArity.OneOrMore.MaximumNumberOfValues;
        static string Count(long n) => n == 1 ? "1 argument" : $"{n} arguments";
        var problem = command.Arguments.Count == 0 ? "accepts no arguments"
            : unbounded ? "requires at least " + Count(minimum)
            : minimum == maximum ? "requires " + Count(minimum)
            : minimum == 0 ? "requires at most " + Count(maximum)
            : $"requires at least {minimum} and at most {Count(maximum)}";

        Console.Error.WriteLine($"modular: 'modular {commandPath}' {problem}");
        Console.Error.WriteLine();
        if (Usage.TryGetValue(commandPath, out var usage))
        {
            Console.Error.WriteLine($"Usage:  modular {commandPath} {usage}");
            Console.Error.WriteLine();
        }
        Console.Error.WriteLine($"{(unbounded ? "See" : "Run")} 'modular {commandPath} --help' for more information");
        return 1;
    }

    /// <summary>docker's usage lines, printed between a flag error and the help hint.</summary>
    private static readonly Dictionary<string, string> Usage = new()
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
        ["commit"] = "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
        ["export"] = "[OPTIONS] CONTAINER",
        ["save"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["history"] = "[OPTIONS] IMAGE",
        ["image prune"] = "[OPTIONS]",
        ["ps"] = "[OPTIONS]",
        ["stats"] = "[OPTIONS] [CONTAINER...]",
        ["cp"] = "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-",
        ["logs"] = "[OPTIONS] CONTAINER",
        ["inspect"] = "[OPTIONS] NAME|ID [NAME|ID...]",
        ["images"] = "[OPTIONS] [REPOSITORY[:TAG]]",
        ["import"] = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        ["load"] = "[OPTIONS]",
        ["tag"] = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        ["rmi"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["network ls"] = "[OPTIONS]",
        ["volume create"] = "[OPTIONS] [VOLUME]",
        ["volume ls"] = "[OPTIONS]",
        ["volume inspect"] = "[OPTIONS] VOLUME [VOLUME...]",
        ["volume rm"] = "[OPTIONS] VOLUME [VOLUME...]",
        ["volume prune"] = "[OPTIONS]",
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
        ["system events"] = "[OPTIONS]",
        ["system df"] = "[OPTIONS]",
        ["system info"] = "[OPTIONS]",
    };

    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var current = result.CommandResult; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
            names.Insert(0, current.Command.Name);
        return string.Join(' ', names);
    }
}
