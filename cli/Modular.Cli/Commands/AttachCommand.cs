using System.CommandLine;
using Modular.Api.Client;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary><c>modular attach [--no-stdin] [--sig-proxy] [--detach-keys] CONTAINER</c>, in docker's order.</summary>
internal static class AttachCommand
{
    /// <summary>moby/term's EscapeError text, which docker attach and exec print (status 1) when the detach keys are typed.</summary>
    public const string ReadEscapeSequence = "read escape sequence";

    public static Command Build()
    {
        var command = new Command("attach", "Attach local standard input, output, and error streams to a running container");
        var noStdin = new Option<bool>("--no-stdin") { Description = "Do not attach STDIN" };
        var sigProxy = new Option<bool>("--sig-proxy") { Description = "Proxy all received signals to the process", DefaultValueFactory = _ => true };
        var detachKeys = new Option<string?>("--detach-keys") { Description = "Override the key sequence for detaching a container" };
        var container = new Argument<string>("CONTAINER");
        foreach (var option in new Option[] { detachKeys, noStdin, sigProxy })
            command.Options.Add(option);
        command.Arguments.Add(container);

        CommandRunner.SetAction(command, (context, result, cancellationToken) => AttachAsync(context, result.GetValue(container)!,
            result.GetValue(noStdin), result.GetValue(sigProxy), result.GetValue(detachKeys), cancellationToken));
        return command;
    }

    private static async Task<int> AttachAsync(
        CliContext context, string name, bool noStdin, bool sigProxy, string? detachKeys, CancellationToken cancellationToken)
    {
        var wait = await context.Client.BeginWaitContainerAsync(name, "not-running", cancellationToken).ConfigureAwait(false);
        var container = await InspectRunningAsync(context, name, cancellationToken).ConfigureAwait(false);
        var config = container.Config!;
        TtyChecks.RequireTerminalStdin(!noStdin, config.Tty);

        var id = container.Id;
        var sendStdin = !noStdin && config.OpenStdin;
        using var signalProxy = sigProxy && !config.Tty ? SignalProxy.Start(signal => context.Client.KillContainerAsync(id, signal)) : null;
        using var connection = await context.Client.AttachAsync(id,
            new AttachOptions(sendStdin, Stdout: true, Stderr: true, string.IsNullOrEmpty(detachKeys) ? null : detachKeys), cancellationToken).ConfigureAwait(false);
        // It may have stopped between the first look and the attach, which would otherwise leave us waiting on nothing.
        await InspectRunningAsync(context, id, cancellationToken).ConfigureAwait(false);

        using var sizeMonitor = config.Tty
            ? TtySizeMonitor.Start((height, width, token) => context.Client.ResizeContainerAsync(id, height, width, token), context.Err, nudgeFirst: true)
            : null;
        var outcome = await new AttachSession(connection, context, sendStdin, config.Tty, detachKeys).RunAsync(cancellationToken).ConfigureAwait(false);
        if (outcome == AttachOutcome.Detached)
            throw new CliStatusException(1, ReadEscapeSequence);
        if (outcome == AttachOutcome.DetachedByDaemon)
            return 0;

        var status = await wait.ConfigureAwait(false);
        if (status.Error is { Message.Length: > 0 } error)
            throw new CliStatusException(1, error.Message);
        return (int)status.StatusCode;
    }

    private static async Task<Modular.Api.Models.ContainerInspect> InspectRunningAsync(CliContext context, string name, CancellationToken cancellationToken)
    {
        var container = await context.Client.InspectContainerAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var state = container.State;
        if (state is null || !state.Running)
            throw new CliStatusException(1, "cannot attach to a stopped container, start it first");
        if (state.Paused)
            throw new CliStatusException(1, "cannot attach to a paused container, unpause it first");
        if (state.Restarting)
            throw new CliStatusException(1, "cannot attach to a restarting container, wait until it is running");
        return container;
    }
}
