using System.CommandLine;
using Modular.Api.Client;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary><c>modular start [-a] [-i] CONTAINER...</c>.</summary>
internal static class StartCommand
{
    public static Command Build()
    {
        var command = new Command("start", "Start one or more stopped containers");
        var attach = new Option<bool>("--attach", "-a") { Description = "Attach STDOUT/STDERR and forward signals" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Attach container's STDIN" };
        var detachKeys = new Option<string?>("--detach-keys") { Description = "Override the key sequence for detaching a container" };
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(attach);
        command.Options.Add(detachKeys);
        command.Options.Add(interactive);
        command.Arguments.Add(containers);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var names = result.GetValue(containers)!;
            if (result.GetValue(attach) || result.GetValue(interactive))
            {
                if (names.Length > 1)
                    throw new CliStatusException(1, "Error: you cannot start and attach multiple containers at once");
                return await StartAttachedAsync(context, names[0], result.GetValue(interactive), result.GetValue(detachKeys), cancellationToken).ConfigureAwait(false);
            }

            var failed = new List<string>();
            foreach (var name in names)
            {
                try
                {
                    await context.Client.StartContainerAsync(name, cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(name);
                }
                catch (EngineApiException e)
                {
                    context.Err.WriteLine(CliErrors.DaemonMessage(e));
                    failed.Add(name);
                }
            }
            if (failed.Count > 0)
                throw new CliStatusException(1, "Error: failed to start containers: " + string.Join(", ", failed));
            return 0;
        });
        return command;
    }

    /// <summary>docker's order: inspect, signal proxy (no TTY), attach, wait registered, start, terminal size, stream.</summary>
    private static async Task<int> StartAttachedAsync(
        CliContext context, string name, bool interactive, string? detachKeys, CancellationToken cancellationToken)
    {
        var container = await context.Client.InspectContainerAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var config = container.Config!;
        var id = container.Id;
        var sendStdin = interactive && config.OpenStdin;
        using var signalProxy = config.Tty ? null : SignalProxy.Start(signal => context.Client.KillContainerAsync(id, signal));
        using var connection = await context.Client.AttachAsync(id,
            new AttachOptions(sendStdin, Stdout: true, Stderr: true, string.IsNullOrEmpty(detachKeys) ? null : detachKeys), cancellationToken).ConfigureAwait(false);

        var autoRemove = container.HostConfig?.AutoRemove == true;
        var wait = await context.Client.BeginWaitContainerAsync(id, autoRemove ? "removed" : "next-exit", cancellationToken).ConfigureAwait(false);
        await context.Client.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
        using var sizeMonitor = config.Tty
            ? TtySizeMonitor.Start((height, width, token) => context.Client.ResizeContainerAsync(id, height, width, token), context.Err)
            : null;
        var outcome = await new AttachSession(connection, context, sendStdin, config.Tty, detachKeys).RunAsync(cancellationToken).ConfigureAwait(false);
        if (outcome != AttachOutcome.Ended)
            return 0;
        var status = await wait.ConfigureAwait(false);
        return (int)status.StatusCode;
    }
}
