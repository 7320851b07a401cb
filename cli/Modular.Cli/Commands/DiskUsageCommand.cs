using System.CommandLine;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary><c>modular system df</c>: docker's summary of images, containers, volumes and build cache.</summary>
internal static class DiskUsageCommand
{
    public static Command Build()
    {
        var command = new Command("df", "Show docker disk usage");
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show detailed information on space usage" };
        command.Options.Add(format);
        command.Options.Add(verbose);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var usage = await context.Client.DiskUsageAsync(cancellationToken).ConfigureAwait(false);
            if (result.GetValue(verbose))
            {
                if (result.GetValue(format) is { Length: > 0 } chosen && chosen != TableOutput.TablePrefix)
                    throw new CliStatusException(1, "Error: the verbose flag can only be used with the default or 'table' format");
                context.Out.Write(DiskUsageVerbose.Render(usage, DateTimeOffset.UtcNow));
                return 0;
            }
            context.Out.Write(TableOutput.Render(result.GetValue(format), DiskUsageRow.DefaultTable, DiskUsageRow.For(usage), DiskUsageRow.Headers));
            return 0;
        });
        return command;
    }

    /// <summary>The <c>system</c> group: df, and docker's second names for events and info.</summary>
    public static Command BuildSystem()
    {
        var system = new Command("system", "Manage Modular");
        system.Subcommands.Add(Build());
        system.Subcommands.Add(EventsCommand.Build());
        system.Subcommands.Add(SystemCommands.BuildInfo());
        return system;
    }
}
