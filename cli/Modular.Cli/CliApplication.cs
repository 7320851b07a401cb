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

        return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
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
                     RunCommand.BuildRun(), RunCommand.BuildCreate(), StartCommand.Build(),
                     LifecycleCommands.BuildStop(), LifecycleCommands.BuildKill(), LifecycleCommands.BuildRestart(),
                     LifecycleCommands.BuildRm(), LifecycleCommands.BuildWait(),
                     PsCommand.Build(), LogsCommand.Build(), InspectCommand.Build(),
                     ImageCommands.BuildImages(), ImageCommands.BuildImport(), ImageCommands.BuildLoad(),
                     ImageCommands.BuildTag(), ImageCommands.BuildRmi(),
                     NetworkCommands.Build(), SystemCommands.BuildVersion(), SystemCommands.BuildInfo(),
                     ExecCommand.Build(), ContainerOperationCommands.BuildPause(), ContainerOperationCommands.BuildUnpause(),
                     TopCommand.Build(), ContainerOperationCommands.BuildRename(), ContainerOperationCommands.BuildDiff(),
                     ContainerOperationCommands.BuildPort(), EventsCommand.Build(), DiskUsageCommand.BuildSystem(),
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

    /// <summary>docker's usage lines, printed between a flag error and the help hint.</summary>
    private static readonly Dictionary<string, string> Usage = new()
    {
        ["run"] = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        ["create"] = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        ["start"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["stop"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["kill"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["restart"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["rm"] = "[OPTIONS] CONTAINER [CONTAINER...]",
        ["wait"] = "CONTAINER [CONTAINER...]",
        ["ps"] = "[OPTIONS]",
        ["logs"] = "[OPTIONS] CONTAINER",
        ["inspect"] = "[OPTIONS] NAME|ID [NAME|ID...]",
        ["images"] = "[OPTIONS] [REPOSITORY[:TAG]]",
        ["import"] = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        ["load"] = "[OPTIONS]",
        ["tag"] = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        ["rmi"] = "[OPTIONS] IMAGE [IMAGE...]",
        ["network ls"] = "[OPTIONS]",
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
