using System.CommandLine;
using Modular.Api.Client;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary>pause, unpause, rename, diff and port: small commands over one daemon call each.</summary>
internal static class ContainerOperationCommands
{
    public static Command BuildPause() =>
        LifecycleCommands.ForEach(new Command("pause", "Pause all processes within one or more containers"),
            (context, _, name, ct) => context.Client.PauseContainerAsync(name, ct));

    public static Command BuildUnpause() =>
        LifecycleCommands.ForEach(new Command("unpause", "Unpause all processes within one or more containers"),
            (context, _, name, ct) => context.Client.UnpauseContainerAsync(name, ct));

    public static Command BuildRename()
    {
        var command = new Command("rename", "Rename a container");
        var oldName = new Argument<string>("CONTAINER");
        var newName = new Argument<string>("NEW_NAME");
        command.Arguments.Add(oldName);
        command.Arguments.Add(newName);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var from = result.GetValue(oldName)!.Trim();
            var to = result.GetValue(newName)!.Trim();
            if (from.Length == 0 || to.Length == 0)
                throw new CliStatusException(1, "Error: Neither old nor new names may be empty");
            try
            {
                await context.Client.RenameContainerAsync(from, to, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineApiException e)
            {
                context.Err.WriteLine(CliErrors.DaemonMessage(e));
                throw new CliStatusException(1, $"Error: failed to rename container named {from}");
            }
            return 0;
        });
        return command;
    }

    public static Command BuildDiff()
    {
        var command = new Command("diff", "Inspect changes to files or directories on a container's filesystem");
        var container = new Argument<string>("CONTAINER");
        command.Arguments.Add(container);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var changes = await context.Client.ContainerChangesAsync(result.GetValue(container)!, cancellationToken).ConfigureAwait(false);
            foreach (var change in changes)
                context.Out.WriteLine(ChangeLines.Line(change));
            return 0;
        });
        return command;
    }

    public static Command BuildPort()
    {
        var command = new Command("port", "List port mappings or a specific mapping for the container");
        var container = new Argument<string>("CONTAINER");
        var privatePort = new Argument<string?>("PRIVATE_PORT[/PROTO]") { Arity = ArgumentArity.ZeroOrOne };
        command.Arguments.Add(container);
        command.Arguments.Add(privatePort);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var name = result.GetValue(container)!;
            var inspect = await context.Client.InspectContainerAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            var ports = inspect.NetworkSettings?.Ports ?? [];
            List<string> lines;
            if (result.GetValue(privatePort) is { Length: > 0 } asked)
            {
                var slash = asked.IndexOf('/');
                var port = slash < 0 ? asked : asked[..slash];
                var protocol = slash < 0 || slash == asked.Length - 1 ? "tcp" : asked[(slash + 1)..];
                if (!ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    var reason = port.Length > 0 && port.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
                    throw new CliStatusException(1, $"Error: invalid port ({port}): strconv.ParseUint: parsing \"{port}\": {reason}");
                }
                if (!ports.TryGetValue(port + "/" + protocol, out var bindings) || bindings is not { Count: > 0 })
                    throw new CliStatusException(1, $"Error: No public port '{asked}' published for {name}");
                lines = PortLines.For(bindings);
            }
            else
            {
                lines = PortLines.All(ports);
            }
            foreach (var line in lines)
                context.Out.WriteLine(line);
            return 0;
        });
        return command;
    }
}
