using System.CommandLine;
using Modular.Api.Json;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary><c>modular network ls</c>.</summary>
internal static class NetworkCommands
{
    public static Command Build()
    {
        var network = new Command("network", "Manage networks");
        var list = new Command("ls", "List networks");
        list.Aliases.Add("list");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display network IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the output" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Provide filter values (e.g. \"driver=bridge\")" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template" };
        foreach (var option in new Option[] { filter, format, noTrunc, quiet })
            list.Options.Add(option);
        network.Subcommands.Add(list);

        CommandRunner.SetAction(list, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            var networks = await context.Client.ListNetworksAsync(filters, cancellationToken).ConfigureAwait(false);
            var truncate = !result.GetValue(noTrunc);
            var template = result.GetValue(quiet) ? NetworkRow.QuietFormat
                : result.GetValue(format) is { Length: > 0 } custom ? custom
                : NetworkRow.DefaultTable;
            var rows = networks.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new NetworkRow(n, truncate));
            context.Out.Write(TableOutput.Render(template, NetworkRow.DefaultTable, rows, NetworkRow.Headers));
            return 0;
        });
        return network;
    }
}
