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
        var (result, usageError) = Parse(root, args);
        if (usageError is not null)
        {
            Console.Error.WriteLine(usageError.Text);
            return usageError.ExitCode;
        }

        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        // Attached commands decide themselves what SIGINT/SIGTERM mean (forward to the container, restore the terminal);
        // the parser's handler would cancel the stream under them.
        if (result.CommandResult.Command.Name is "run" or "start" or "attach" or "exec")
            invocation.ProcessTerminationTimeout = null;
        return await result.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>Parses with docker's conventions; the usage error docker would print instead of running, if any.</summary>
    public static (ParseResult Result, UsageErrors.Report? Error) Parse(RootCommand root, string[] args)
    {
        var configuration = new ParserConfiguration { EnablePosixBundling = true, ResponseFileTokenReplacer = null };
        var prepared = InterspersedArguments.Prepare(root, args);
        var result = root.Parse(prepared.Arguments, configuration);
        if (prepared.Error is not null)
            return (result, UsageErrors.ForFlag(prepared.Error, prepared.CommandPath, prepared.Command));
        return (result, result.Errors.Count > 0 && !HelpRequested(result) ? UsageErrors.For(result) : null);
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
}
