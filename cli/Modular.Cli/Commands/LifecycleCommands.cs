using System.CommandLine;
using Modular.Api.Client;

namespace Modular.Cli.Commands;

/// <summary>stop, kill, restart, rm and wait: one daemon call per named container, errors reported per container.</summary>
internal static class LifecycleCommands
{
    public static Command BuildStop()
    {
        var command = new Command("stop", "Stop one or more running containers");
        var time = new Option<int?>("--timeout", "-t", "--time") { Description = "Seconds to wait before killing the container" };
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send to the container" };
        command.Options.Add(time);
        command.Options.Add(signal);
        return ForEach(command, (context, result, name, ct) =>
            context.Client.StopContainerAsync(name, result.GetValue(time), result.GetValue(signal), ct));
    }

    public static Command BuildKill()
    {
        var command = new Command("kill", "Kill one or more running containers");
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send to the container" };
        command.Options.Add(signal);
        return ForEach(command, (context, result, name, ct) =>
            context.Client.KillContainerAsync(name, result.GetValue(signal), ct));
    }

    public static Command BuildRestart()
    {
        var command = new Command("restart", "Restart one or more containers");
        var time = new Option<int?>("--timeout", "-t", "--time") { Description = "Seconds to wait before killing the container" };
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send to the container" };
        command.Options.Add(time);
        command.Options.Add(signal);
        return ForEach(command, (context, result, name, ct) =>
            context.Client.RestartContainerAsync(name, result.GetValue(time), result.GetValue(signal), ct));
    }

    public static Command BuildRm()
    {
        var command = new Command("rm", "Remove one or more containers");
        var force = new Option<bool>("--force", "-f") { Description = "Force the removal of a running container (uses SIGKILL)" };
        var volumes = new Option<bool>("--volumes", "-v") { Description = "Remove anonymous volumes associated with the container" };
        var link = new Option<bool>("--link", "-l") { Description = "Remove the specified link" };
        command.Options.Add(force);
        command.Options.Add(volumes);
        command.Options.Add(link);
        return ForEach(command, (context, result, name, ct) =>
            context.Client.RemoveContainerAsync(name.TrimStart('/'), result.GetValue(force), result.GetValue(volumes), result.GetValue(link), ct));
    }

    public static Command BuildWait()
    {
        var command = new Command("wait", "Block until one or more containers stop, then print their exit codes");
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(containers);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var failed = false;
            foreach (var name in result.GetValue(containers)!)
            {
                try
                {
                    var status = await context.Client.WaitContainerAsync(name, "not-running", cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(status.StatusCode);
                }
                catch (EngineApiException e)
                {
                    context.Err.WriteLine(CliErrors.DaemonMessage(e));
                    failed = true;
                }
            }
            return failed ? 1 : 0;
        });
        return command;
    }

    internal static Command ForEach(Command command, Func<CliContext, ParseResult, string, CancellationToken, Task> action)
    {
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(containers);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var failed = false;
            foreach (var name in result.GetValue(containers)!)
            {
                try
                {
                    await action(context, result, name, cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(name);
                }
                catch (EngineApiException e)
                {
                    context.Err.WriteLine(CliErrors.DaemonMessage(e));
                    failed = true;
                }
            }
            return failed ? 1 : 0;
        });
        return command;
    }
}
