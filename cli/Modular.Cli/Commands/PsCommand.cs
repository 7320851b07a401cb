using System.CommandLine;
using System.Text.RegularExpressions;
using Modular.Api.Json;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary><c>modular ps</c>: docker's flags, table and formatter fields.</summary>
internal static partial class PsCommand
{
    public static Command Build()
    {
        var command = new Command("ps", "List containers");
        var all = new Option<bool>("--all", "-a") { Description = "Show all containers (default shows just running)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display container IDs" };
        var last = new Option<int>("--last", "-n") { Description = "Show n last created containers (includes all states)", DefaultValueFactory = _ => -1 };
        var latest = new Option<bool>("--latest", "-l") { Description = "Show the latest created container (includes all states)" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var size = new Option<bool>("--size", "-s") { Description = "Display total file sizes" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')" };
        foreach (var option in new Option[] { all, filter, format, last, latest, noTrunc, quiet, size })
            command.Options.Add(option);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);

            var limit = result.GetValue(latest) ? 1 : result.GetValue(last);
            var chosenFormat = result.GetValue(format);
            var wantsSize = result.GetValue(size) || TemplateNeedsSize(chosenFormat);
            var containers = await context.Client.ListContainersAsync(
                all: result.GetValue(all) || limit > 0, limit: limit > 0 ? limit : null, size: wantsSize, filters: filters,
                cancellationToken: cancellationToken).ConfigureAwait(false);

            var truncate = !result.GetValue(noTrunc);
            var now = DateTimeOffset.UtcNow;
            var template = result.GetValue(quiet) ? ContainerRow.QuietFormat
                : chosenFormat is { Length: > 0 } custom ? custom
                : result.GetValue(size) ? ContainerRow.DefaultTable + "\t{{.Size}}"
                : ContainerRow.DefaultTable;
            context.Out.Write(TableOutput.Render(template, ContainerRow.DefaultTable,
                containers.Select(c => new ContainerRow(c, truncate, now)), ContainerRow.Headers, "failed to parse template: "));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// docker asks the daemon for sizes when the template reads .Size, and {{json .}} reads every field (the "json"
    /// shorthand is not a template there, so it does not).
    /// </summary>
    internal static bool TemplateNeedsSize(string? format) =>
        format is not null && (format.Contains(".Size", StringComparison.Ordinal) || JsonOfDot().IsMatch(format));

    [GeneratedRegex(@"\bjson\s+\.(?=[\s)}|-])")]
    private static partial Regex JsonOfDot();
}
