using System.CommandLine;
using Modular.Api.Client;
using Modular.Api.Models;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary><c>modular run</c> and <c>modular create</c>.</summary>
internal static class RunCommand
{
    public static Command BuildRun() => Build("run", "Create and run a new container from an image", runAfterCreate: true);

    public static Command BuildCreate() => Build("create", "Create a new container", runAfterCreate: false);

    private static Command Build(string name, string description, bool runAfterCreate)
    {
        var command = new Command(name, description);
        var flags = new RunFlags();
        flags.AddTo(command);
        var positional = new Argument<string[]>("IMAGE [COMMAND] [ARG...]") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(positional);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            if (flags.FirstNotImplemented(result) is { } refused)
                throw new CliStatusException(CliErrors.DaemonError,
                    $"modular: the \"{refused}\" flag is not supported by modular yet\n\nRun 'modular {name} --help' for more information");

            var settings = flags.Read(result, result.GetValue(positional)!);
            if (!runAfterCreate && settings.Detach)
                throw new CliStatusException(CliErrors.DaemonError, "modular: unknown flag: --detach\n\nRun 'modular create --help' for more information");

            ContainerCreateRequest request;
            try
            {
                request = CreateRequestBuilder.Build(settings, Environment.GetEnvironmentVariable, File.ReadAllText);
            }
            catch (CliStatusException e)
            {
                throw CliErrors.WithHelp(name, e.Message, e.ExitCode);
            }
            catch (IOException e)
            {
                throw CliErrors.WithHelp(name, e.Message, CliErrors.DaemonError);
            }

            if (runAfterCreate && !settings.Detach)
                TtyChecks.RequireTerminalStdin(request.AttachStdin, request.Tty);
            if (request.HostConfig is { } hostConfig)
                hostConfig.ConsoleSize = TtySizeMonitor.ConsoleSize() ?? [0, 0];

            var created = await CreateAsync(context, name, request, settings.Name, cancellationToken).ConfigureAwait(false);
            if (!runAfterCreate || settings.Detach)
            {
                if (runAfterCreate)
                    await StartOrFailAsync(context, name, created.Id, cancellationToken).ConfigureAwait(false);
                context.Out.WriteLine(created.Id);
                return 0;
            }
            using var signalProxy = settings.SigProxy && !request.Tty
                ? SignalProxy.Start(signal => context.Client.KillContainerAsync(created.Id, signal))
                : null;
            return await RunAttachedAsync(context, created.Id, request, settings.DetachKeys, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<ContainerCreateResponse> CreateAsync(
        CliContext context, string commandName, ContainerCreateRequest request, string? name, CancellationToken cancellationToken)
    {
        try
        {
            var created = await context.Client.CreateContainerAsync(request, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var warning in created.Warnings)
                context.Err.WriteLine("WARNING: " + warning);
            return created;
        }
        catch (EngineApiException e)
        {
            throw CliErrors.WithHelp(commandName, CliErrors.DaemonMessage(e), CliErrors.DaemonError);
        }
    }

    private static async Task StartOrFailAsync(CliContext context, string commandName, string id, CancellationToken cancellationToken)
    {
        try
        {
            await context.Client.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineApiException e)
        {
            var message = CliErrors.DaemonMessage(e);
            throw CliErrors.WithHelp(commandName, message, CliErrors.ExitCodeForRunFailure(message));
        }
    }

    /// <summary>docker's order: attach (hijacked, before start) → wait registered → start → stream → exit status.</summary>
    private static async Task<int> RunAttachedAsync(
        CliContext context, string id, ContainerCreateRequest request, string? detachKeys, CancellationToken cancellationToken)
    {
        HijackedConnection? connection = null;
        if (request.AttachStdin || request.AttachStdout || request.AttachStderr)
            connection = await context.Client.AttachAsync(id,
                new AttachOptions(request.AttachStdin, request.AttachStdout, request.AttachStderr, NullIfEmpty(detachKeys)), cancellationToken).ConfigureAwait(false);

        using (connection)
        {
            var autoRemove = request.HostConfig?.AutoRemove == true;
            var wait = await context.Client.BeginWaitContainerAsync(id, autoRemove ? "removed" : "next-exit", cancellationToken).ConfigureAwait(false);

            try
            {
                await context.Client.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineApiException e)
            {
                connection?.Dispose();
                if (autoRemove)
                    await IgnoreFailureAsync(wait).ConfigureAwait(false);
                var message = CliErrors.DaemonMessage(e);
                throw CliErrors.WithHelp("run", message, CliErrors.ExitCodeForRunFailure(message));
            }

            if (connection is not null)
            {
                using var sizeMonitor = request.Tty
                    ? TtySizeMonitor.Start((height, width, token) => context.Client.ResizeContainerAsync(id, height, width, token), context.Err)
                    : null;
                var outcome = await new AttachSession(connection, context, request.AttachStdin, request.Tty, detachKeys)
                    .RunAsync(cancellationToken).ConfigureAwait(false);
                if (outcome != AttachOutcome.Ended)
                    return 0;
            }

            var status = await wait.ConfigureAwait(false);
            if (status.Error is { Message.Length: > 0 } error)
                throw new CliStatusException(CliErrors.DaemonError, "modular: " + error.Message);
            return (int)status.StatusCode;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task IgnoreFailureAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Only waiting for the daemon to finish removing; the start failure is what gets reported.
        }
    }
}
