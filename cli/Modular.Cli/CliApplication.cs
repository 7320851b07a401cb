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
        var result = root.Parse(InterspersedArguments.Protect(root, args), configuration);

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

        var help = commandPath.Length == 0 ? "See 'modular --help'." : $"Run 'modular {commandPath} --help' for more information";
        Console.Error.WriteLine(message);
        Console.Error.WriteLine();
        Console.Error.WriteLine(help);
        return commandPath.Length == 0 ? 1 : CliErrors.DaemonError;
    }

    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var current = result.CommandResult; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
            names.Insert(0, current.Command.Name);
        return string.Join(' ', names);
    }
}
