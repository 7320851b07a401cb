using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Modular.Api.Client;
using Modular.Cli.Templates;

namespace Modular.Cli.Commands;

/// <summary><c>modular inspect</c>: containers, then images, then networks, unless --type narrows it.</summary>
internal static class InspectCommand
{
    private static readonly string[] Types = ["container", "image", "network"];

    public static Command Build()
    {
        var command = new Command("inspect", "Return low-level information on Docker objects");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template ('json' or a Go template)" };
        var type = new Option<string?>("--type") { Description = "Only inspect objects of the given type" };
        var size = new Option<bool>("--size", "-s") { Description = "Display total file sizes if the type is container" };
        var names = new Argument<string[]>("NAME|ID") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(format);
        command.Options.Add(size);
        command.Options.Add(type);
        command.Arguments.Add(names);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var only = result.GetValue(type);
            if (only is not null && !Types.Contains(only))
                throw new CliStatusException(1, $"\"{only}\" is not a valid value for --type");

            var templateText = result.GetValue(format);
            var template = templateText is { Length: > 0 } and not "json"
                ? ParseTemplate(templateText)
                : null;

            var found = new List<string>();
            var errors = new List<string>();
            foreach (var name in result.GetValue(names)!)
            {
                var (raw, notFound) = await FindAsync(context.Client, name, only, result.GetValue(size), cancellationToken).ConfigureAwait(false);
                if (raw is null)
                    errors.Add(notFound ?? $"Error: No such object: {name}");
                else
                    found.Add(raw);
            }

            var output = new StringBuilder();
            if (template is null && templateText != "json")
            {
                output.Append(JsonIndent.Indent("[" + string.Join(",", found) + "]", "", "    ")).Append('\n');
            }
            else
            {
                foreach (var raw in found)
                {
                    try
                    {
                        output.Append(template is null ? raw : template.Execute(JsonNode.Parse(raw)));
                    }
                    catch (TemplateException e)
                    {
                        context.Out.Write(output.Append('\n').ToString());
                        throw new CliStatusException(1, "template parsing error: template: :1: " + e.Message);
                    }
                    output.Append('\n');
                }
            }
            context.Out.Write(output.ToString());

            if (errors.Count == 0)
                return 0;
            throw new CliStatusException(1, string.Join("\n", errors));
        });
        return command;
    }

    private static GoTemplate ParseTemplate(string text)
    {
        try
        {
            return GoTemplate.Parse(Formatting.TableOutput.Prepare(text), missingKeyIsError: true);
        }
        catch (TemplateException e)
        {
            throw new CliStatusException(64, "template parsing error: template: :1: " + e.Message);
        }
    }

    /// <summary>The raw JSON of the first object kind that knows the name; otherwise the message to print.</summary>
    private static async Task<(string? Raw, string? NotFound)> FindAsync(EngineClient client, string name, string? only, bool size, CancellationToken cancellationToken)
    {
        foreach (var kind in only is null ? Types : [only])
        {
            try
            {
                var element = kind switch
                {
                    "container" => await client.InspectContainerRawAsync(name, size, cancellationToken).ConfigureAwait(false),
                    "image" => await client.InspectImageRawAsync(name, cancellationToken).ConfigureAwait(false),
                    _ => await client.GetRawJsonAsync($"/networks/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false),
                };
                return (element.GetRawText(), null);
            }
            catch (EngineApiException e) when (e.IsNotFound)
            {
                // With --type, docker reports the daemon's own answer; without, it keeps looking and then says "object".
                if (only is not null)
                    return (null, CliErrors.DaemonMessage(e));
            }
        }
        return (null, null);
    }
}
