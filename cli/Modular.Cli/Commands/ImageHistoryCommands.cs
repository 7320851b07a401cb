using System.CommandLine;
using Modular.Api.Json;
using Modular.Api.Formatting;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary>history, image prune, and the <c>image</c> group that holds them with save.</summary>
internal static class ImageHistoryCommands
{
    public static Command BuildHistory()
    {
        var command = new Command("history", "Show the history of an image");
        var human = new Option<bool>("--human", "-H") { Description = "Print sizes and dates in human readable format", DefaultValueFactory = _ => true };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')" };
        var image = new Argument<string>("IMAGE");
        foreach (var option in new Option[] { format, human, noTrunc, quiet })
            command.Options.Add(option);
        command.Arguments.Add(image);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var items = await context.Client.ImageHistoryAsync(result.GetValue(image)!, cancellationToken).ConfigureAwait(false);
            var isHuman = result.GetValue(human);
            var defaultTable = isHuman ? HistoryRow.HumanTable : HistoryRow.NonHumanTable;
            var chosen = result.GetValue(format);
            var template = result.GetValue(quiet) && string.IsNullOrEmpty(chosen) ? HistoryRow.QuietFormat
                : chosen is { Length: > 0 } custom ? custom
                : defaultTable;
            var now = DateTimeOffset.UtcNow;
            var rows = items.Select(item => new HistoryRow(item, isHuman, !result.GetValue(noTrunc), now));
            context.Out.Write(TableOutput.Render(template, defaultTable, rows, HistoryRow.Headers));
            return 0;
        });
        return command;
    }

    public static Command BuildImagePrune()
    {
        var command = new Command("prune", "Remove unused images");
        var all = new Option<bool>("--all", "-a") { Description = "Remove all unused images, not just dangling ones" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var filter = new Option<string[]>("--filter") { Description = "Provide filter values (e.g. \"until=<timestamp>\")" };
        command.Options.Add(all);
        command.Options.Add(filter);
        command.Options.Add(force);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var removeAll = result.GetValue(all);
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            filters.Add("dangling", removeAll ? "false" : "true");
            var warning = removeAll
                ? "WARNING! This will remove all images without at least one container associated to them."
                : "WARNING! This will remove all dangling images.";
            if (!result.GetValue(force) && !Confirm(context, warning))
                return 0;

            var report = await context.Client.PruneImagesAsync(filters, cancellationToken).ConfigureAwait(false);
            if (report.ImagesDeleted is { Count: > 0 } deleted)
            {
                context.Out.WriteLine("Deleted Images:");
                foreach (var item in deleted)
                    context.Out.WriteLine(item.Untagged is { Length: > 0 } untagged ? "untagged: " + untagged : "deleted: " + item.Deleted);
                context.Out.WriteLine();
            }
            context.Out.WriteLine("Total reclaimed space: " + HumanUnits.Size(report.SpaceReclaimed));
            return 0;
        });
        return command;
    }

    /// <summary><c>docker image</c>: the image subcommands this CLI has under their group names.</summary>
    public static Command BuildImageGroup()
    {
        var group = new Command("image", "Manage images");
        group.Subcommands.Add(BuildHistory());
        group.Subcommands.Add(BuildImagePrune());
        group.Subcommands.Add(ImageArchiveCommands.BuildSave());
        group.Subcommands.Add(ImageCommands.BuildImport());
        group.Subcommands.Add(ImageCommands.BuildLoad());
        group.Subcommands.Add(ImageCommands.BuildTag());
        return group;
    }

    /// <summary>docker's prompt: the warning, then "Are you sure you want to continue? [y/N] "; only y or Y goes on.</summary>
    private static bool Confirm(CliContext context, string warning)
    {
        context.Out.Write(warning + "\nAre you sure you want to continue? [y/N] ");
        context.Out.Flush();
        var answer = Console.In.ReadLine()?.Trim();
        return answer is "y" or "Y";
    }
}
