using System.CommandLine;
using System.Text.Json;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular plugin install|ls|inspect|enable|disable|rm</c>: third-party driver packages installed into the daemon.
/// Install and enable load the plugin at once; disable and rm apply at the daemon's next start.
/// </summary>
internal static class PluginCommands
{
    public static Command Build()
    {
        var plugin = new Command("plugin", "Manage driver plugins");
        plugin.Subcommands.Add(BuildInstall());
        plugin.Subcommands.Add(BuildList());
        plugin.Subcommands.Add(BuildInspect());
        plugin.Subcommands.Add(BuildSetEnabled("enable", "Enable a plugin and load it", enabled: true));
        plugin.Subcommands.Add(BuildSetEnabled("disable", "Disable a plugin (it is not loaded at the next daemon start)", enabled: false));
        plugin.Subcommands.Add(BuildRemove());
        return plugin;
    }

    private static Command BuildInstall()
    {
        var install = new Command("install", "Install a driver plugin from a .nupkg package");
        var package = new Argument<string>("PACKAGE") { Description = "Path of the driver package (.nupkg)" };
        install.Arguments.Add(package);
        CommandRunner.SetAction(install, async (context, result, cancellationToken) =>
        {
            var path = result.GetValue(package)!;
            if (!File.Exists(path))
            {
                throw new CliStatusException(1, $"Error: {path}: no such file");
            }
            using var api = new PluginApiClient(context.Host);
            var installed = await api.InstallAsync(path, cancellationToken).ConfigureAwait(false);
            if (Text(installed, "Error") is { Length: > 0 } error)
            {
                context.Err.WriteLine($"Error: plugin {Text(installed, "Name")} {Text(installed, "Version")} was installed but failed to load and is disabled: {error}");
                return 1;
            }
            context.Out.WriteLine($"Installed plugin {Text(installed, "Name")} {Text(installed, "Version")}: {Drivers(installed)}");
            return 0;
        });
        return install;
    }

    private static Command BuildList()
    {
        var list = new Command("ls", "List installed driver plugins");
        list.Aliases.Add("list");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display plugin names" };
        list.Options.Add(quiet);
        CommandRunner.SetAction(list, async (context, result, cancellationToken) =>
        {
            using var api = new PluginApiClient(context.Host);
            var plugins = (await api.ListAsync(cancellationToken).ConfigureAwait(false)).EnumerateArray().ToList();
            if (result.GetValue(quiet))
            {
                plugins.ForEach(p => context.Out.WriteLine(Text(p, "Name")));
                return 0;
            }
            var rows = plugins.Select(p => new[]
            {
                Text(p, "Name"), Text(p, "Version"), p.GetProperty("Enabled").GetBoolean() ? "true" : "false", Status(p),
                Drivers(p),
            }).ToList();
            context.Out.Write(Table(["NAME", "VERSION", "ENABLED", "STATUS", "DRIVERS"], rows));
            return 0;
        });
        return list;
    }

    private static Command BuildInspect()
    {
        var inspect = new Command("inspect", "Display detailed information on one or more plugins");
        var names = new Argument<string[]>("PLUGIN") { Arity = ArgumentArity.OneOrMore };
        inspect.Arguments.Add(names);
        CommandRunner.SetAction(inspect, async (context, result, cancellationToken) =>
        {
            using var api = new PluginApiClient(context.Host);
            var found = new List<JsonElement>();
            var status = 0;
            foreach (var name in result.GetValue(names)!)
            {
                try
                {
                    found.Add(await api.GetAsync(name, cancellationToken).ConfigureAwait(false));
                }
                catch (CliStatusException e)
                {
                    context.Err.WriteLine(e.Message);
                    status = 1;
                }
            }
            context.Out.WriteLine(JsonSerializer.Serialize(found, PluginJson.Default.ListJsonElement));
            return status;
        });
        return inspect;
    }

    private static Command BuildSetEnabled(string verb, string description, bool enabled)
    {
        var command = new Command(verb, description);
        var name = new Argument<string>("PLUGIN");
        command.Arguments.Add(name);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            using var api = new PluginApiClient(context.Host);
            var plugin = await api.SetEnabledAsync(result.GetValue(name)!, enabled, cancellationToken).ConfigureAwait(false);
            if (Text(plugin, "Error") is { Length: > 0 } error)
            {
                context.Err.WriteLine($"Error: plugin {result.GetValue(name)} failed to load and is disabled: {error}");
                return 1;
            }
            context.Out.WriteLine(result.GetValue(name));
            return 0;
        });
        return command;
    }

    private static Command BuildRemove()
    {
        var remove = new Command("rm", "Remove one or more plugins (refused while a driver of theirs is in use)");
        remove.Aliases.Add("remove");
        var names = new Argument<string[]>("PLUGIN") { Arity = ArgumentArity.OneOrMore };
        remove.Arguments.Add(names);
        CommandRunner.SetAction(remove, async (context, result, cancellationToken) =>
        {
            using var api = new PluginApiClient(context.Host);
            var status = 0;
            foreach (var name in result.GetValue(names)!)
            {
                try
                {
                    await api.RemoveAsync(name, cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(name);
                }
                catch (CliStatusException e)
                {
                    context.Err.WriteLine(e.Message);
                    status = 1;
                }
            }
            return status;
        });
        return remove;
    }

    private static string Status(JsonElement plugin)
    {
        if (Text(plugin, "Error") is { Length: > 0 } error)
        {
            return "disabled: " + error;
        }
        var enabled = plugin.GetProperty("Enabled").GetBoolean();
        var active = plugin.GetProperty("Active").GetBoolean();
        return (enabled, active) switch
        {
            (true, true) => "active",
            (true, false) => "loads at next start",
            (false, true) => "active until next start",
            _ => "disabled",
        };
    }

    private static string Drivers(JsonElement plugin) =>
        string.Join(", ", plugin.GetProperty("Drivers").EnumerateArray().Select(d => d.GetString()));

    private static string Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    private static string Table(string[] headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var output = new System.Text.StringBuilder();
        foreach (var row in rows.Prepend(headers))
        {
            output.AppendLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
        return output.ToString();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class PluginJson : System.Text.Json.Serialization.JsonSerializerContext;
