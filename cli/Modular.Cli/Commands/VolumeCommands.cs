using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Modular.Api.Client;
using Modular.Api.Formatting;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Cli.Formatting;
using Modular.Cli.Templates;

namespace Modular.Cli.Commands;

/// <summary><c>modular volume create|ls|inspect|rm|prune</c>, with docker's flags, output and messages.</summary>
internal static class VolumeCommands
{
    public static Command Build()
    {
        var volume = new Command("volume", "Manage volumes");
        volume.Subcommands.Add(BuildCreate());
        volume.Subcommands.Add(BuildList());
        volume.Subcommands.Add(BuildInspect());
        volume.Subcommands.Add(BuildRemove());
        volume.Subcommands.Add(BuildPrune());
        return volume;
    }

    private static Command BuildCreate()
    {
        var command = new Command("create", "Create a volume");
        var driver = new Option<string>("--driver", "-d") { Description = "Specify volume driver name", DefaultValueFactory = _ => "local" };
        var labels = new Option<string[]>("--label") { Description = "Set metadata for a volume", AllowMultipleArgumentsPerToken = false };
        var options = new Option<string[]>("--opt", "-o") { Description = "Set driver specific options", AllowMultipleArgumentsPerToken = false };
        var nameOption = new Option<string?>("--name") { Description = "Specify volume name", Hidden = true };
        var name = new Argument<string?>("VOLUME") { Arity = ArgumentArity.ZeroOrOne };
        foreach (var option in new Option[] { driver, labels, options, nameOption })
            command.Options.Add(option);
        command.Arguments.Add(name);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var positional = result.GetValue(name);
            var flagged = result.GetValue(nameOption);
            if (positional is not null && flagged is not null && positional != flagged)
                throw new CliStatusException(1, $"conflicting options: cannot specify a volume-name through both --name and as a positional arg");
            var request = new VolumeCreateRequest
            {
                Name = positional ?? flagged ?? "",
                Driver = result.GetValue(driver),
                DriverOpts = Pairs(result.GetValue(options) ?? [], "opt"),
                Labels = Pairs(result.GetValue(labels) ?? [], "label"),
            };
            var created = await context.Client.CreateVolumeAsync(request, cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine(created.Name);
            return 0;
        });
        return command;
    }

    private static Command BuildList()
    {
        var command = new Command("ls", "List volumes");
        command.Aliases.Add("list");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display volume names" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Provide filter values (e.g. \"dangling=true\")" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template" };
        foreach (var option in new Option[] { filter, format, quiet })
            command.Options.Add(option);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            var list = await context.Client.ListVolumesAsync(filters, cancellationToken).ConfigureAwait(false);
            var template = result.GetValue(quiet) ? VolumeRow.QuietFormat
                : result.GetValue(format) is { Length: > 0 } custom ? custom
                : VolumeRow.DefaultTable;
            var rows = list.Volumes.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => new VolumeRow(v));
            context.Out.Write(TableOutput.Render(template, VolumeRow.DefaultTable, rows, VolumeRow.Headers));
            return 0;
        });
        return command;
    }

    private static Command BuildInspect()
    {
        var command = new Command("inspect", "Display detailed information on one or more volumes");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template" };
        var names = new Argument<string[]>("VOLUME") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(format);
        command.Arguments.Add(names);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var found = new List<string>();
            var errors = new List<string>();
            foreach (var volumeName in result.GetValue(names)!)
            {
                try
                {
                    var element = await context.Client.GetRawJsonAsync($"/volumes/{Uri.EscapeDataString(volumeName)}", cancellationToken).ConfigureAwait(false);
                    found.Add(element.GetRawText());
                }
                catch (EngineApiException e)
                {
                    errors.Add(CliErrors.DaemonMessage(e));
                }
            }
            var templateText = result.GetValue(format);
            var output = new StringBuilder();
            if (string.IsNullOrEmpty(templateText))
            {
                output.Append(JsonIndent.Indent("[" + string.Join(",", found) + "]", "", "    ")).Append('\n');
            }
            else
            {
                GoTemplate template;
                try
                {
                    template = templateText == "json" ? GoTemplate.Parse("{{json .}}") : GoTemplate.Parse(TableOutput.Prepare(templateText), missingKeyIsError: true);
                }
                catch (TemplateException e)
                {
                    throw new CliStatusException(64, "template parsing error: template: :1: " + e.Message);
                }
                foreach (var raw in found)
                    output.Append(template.Execute(JsonNode.Parse(raw))).Append('\n');
            }
            context.Out.Write(output.ToString());
            if (errors.Count == 0)
                return 0;
            throw new CliStatusException(1, string.Join("\n", errors));
        });
        return command;
    }

    private static Command BuildRemove()
    {
        var command = new Command("rm", "Remove one or more volumes");
        command.Aliases.Add("remove");
        var force = new Option<bool>("--force", "-f") { Description = "Force the removal of one or more volumes" };
        var names = new Argument<string[]>("VOLUME") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(force);
        command.Arguments.Add(names);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var errors = new List<string>();
            foreach (var volumeName in result.GetValue(names)!)
            {
                try
                {
                    await context.Client.RemoveVolumeAsync(volumeName, result.GetValue(force), cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(volumeName);
                }
                catch (EngineApiException e)
                {
                    errors.Add(CliErrors.DaemonMessage(e));
                }
            }
            if (errors.Count == 0)
                return 0;
            throw new CliStatusException(1, string.Join("\n", errors));
        });
        return command;
    }

    private static Command BuildPrune()
    {
        var command = new Command("prune", "Remove unused local volumes");
        var all = new Option<bool>("--all", "-a") { Description = "Remove all unused volumes, not just anonymous ones" };
        var filter = new Option<string[]>("--filter") { Description = "Provide filter values (e.g. \"label=<label>\")" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        foreach (var option in new Option[] { all, filter, force })
            command.Options.Add(option);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            if (result.GetValue(all))
            {
                if (filters.Contains("all"))
                    throw new CliStatusException(1, "conflicting options: cannot specify both --all and --filter all=1");
                filters.Add("all", "true");
            }
            var warning = result.GetValue(all)
                ? "WARNING! This will remove all local volumes not used by at least one container."
                : "WARNING! This will remove anonymous local volumes not used by at least one container.";
            if (!result.GetValue(force))
            {
                context.Out.Write(warning + "\nAre you sure you want to continue? [y/N] ");
                context.Out.Flush();
                if (Console.In.ReadLine()?.Trim() is not ("y" or "Y"))
                    return 0;
            }
            var report = await context.Client.PruneVolumesAsync(filters, cancellationToken).ConfigureAwait(false);
            var output = new StringBuilder();
            if (report.VolumesDeleted is { Count: > 0 } deleted)
            {
                output.Append("Deleted Volumes:\n");
                foreach (var name in deleted)
                    output.Append(name).Append('\n');
                output.Append('\n');
            }
            output.Append("Total reclaimed space: ").Append(HumanUnits.Size((long)report.SpaceReclaimed, 4)).Append('\n');
            context.Out.Write(output.ToString());
            return 0;
        });
        return command;
    }

    private static Dictionary<string, string> Pairs(IEnumerable<string> values, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (flag == "opt" && eq <= 0)
                throw new CliStatusException(CliErrors.DaemonError, $"invalid argument \"{value}\" for \"-o, --opt\" flag: invalid key value pair format in driver options");
            if (eq < 0)
                result[value] = "";
            else
                result[value[..eq]] = value[(eq + 1)..];
        }
        return result;
    }
}
