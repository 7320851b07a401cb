using System.CommandLine;
using Modular.Api.Client;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Cli.Formatting;
using Modular.Cli.Templates;

namespace Modular.Cli.Commands;

/// <summary><c>modular events</c>: the daemon's event stream, one line per event, until --until or Ctrl-C.</summary>
internal static class EventsCommand
{
    /// <summary>docker's status for a --format it cannot use.</summary>
    private const int FormatError = 64;

    public static Command Build(string name = "events")
    {
        var command = new Command(name, "Get real time events from the server");
        var since = new Option<string?>("--since") { Description = "Show all events created since timestamp" };
        var until = new Option<string?>("--until") { Description = "Stream events until this timestamp" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided", AllowMultipleArgumentsPerToken = false };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('json' or a Go template)" };
        foreach (var option in new Option[] { filter, format, since, until })
            command.Options.Add(option);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var template = MakeTemplate(result.GetValue(format));
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
            {
                try
                {
                    filters.AddArgument(argument);
                }
                catch (FormatException e)
                {
                    throw new CliStatusException(CliErrors.DaemonError,
                        $"invalid argument \"{argument}\" for \"-f, --filter\" flag: {e.Message}\n\n" +
                        $"Usage:  modular {CommandPath(command)} [OPTIONS]\n\nRun 'modular {CommandPath(command)} --help' for more information");
                }
            }

            var now = DateTimeOffset.UtcNow;
            var options = new EventsOptions
            {
                Since = result.GetValue(since) is { } s ? LogsCommand.ToTimestamp(s, now) : null,
                Until = result.GetValue(until) is { } u ? LogsCommand.ToTimestamp(u, now) : null,
                Filters = filters,
            };
            await foreach (var message in context.Client.EventsAsync(options, cancellationToken).ConfigureAwait(false))
                context.Out.WriteLine(Render(message, template, TimeZoneInfo.Local));
            return 0;
        });
        return command;
    }

    private static string CommandPath(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { Parents: var grand } parent && grand.Any()
            ? parent.Name + " " + command.Name : command.Name;

    /// <summary>Null for the default line; "json" is docker's shorthand for <c>{{json .}}</c>. The template is tried on an
    /// empty event, as docker does, so a bad field fails before any event is read.</summary>
    internal static GoTemplate? MakeTemplate(string? format)
    {
        if (string.IsNullOrEmpty(format))
            return null;
        try
        {
            var template = GoTemplate.Parse(TableOutput.Prepare(format == "json" ? "{{json .}}" : format));
            template.Execute(new EventRow(new EventMessage()));
            return template;
        }
        catch (TemplateException e)
        {
            throw new CliStatusException(FormatError, "Error parsing format: " +
                (e.Message.StartsWith("template:", StringComparison.Ordinal) ? e.Message : "template: :1: " + e.Message));
        }
    }

    internal static string Render(EventMessage message, GoTemplate? template, TimeZoneInfo zone)
    {
        if (template is null)
            return EventRow.DefaultLine(message, zone);
        try
        {
            return template.Execute(new EventRow(message));
        }
        catch (TemplateException e)
        {
            throw new CliStatusException(1, "template: :1: " + e.Message);
        }
    }
}
