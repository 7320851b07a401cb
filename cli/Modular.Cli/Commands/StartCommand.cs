using System.CommandLine;
using Modular.Api.Client;

namespace Modular.Cli.Commands;

/// <summary><c>modular start [-a] [-i] CONTAINER...</c>.</summary>
internal static class StartCommand
{
    public static Command Build()
    {
        var command = new Command("start", "Start one or more stopped containers");
        var attach = new Option<bool>("--attach", "-a") { Description = "Attach STDOUT/STDERR and forward signals" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Attach container's STDIN" };
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(attach);
        command.Options.Add(interactive);
        command.Arguments.Add(containers);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var names = result.GetValue(containers)!;
            if (result.GetValue(attach) || result.GetValue(interactive))
            {
                if (names.Length > 1)
                    throw new CliStatusException(1, "Error: you cannot start and attach multiple containers at once");
                return await StartAttachedAsync(context, names[0], result.GetValue(interactive), cancellationToken).ConfigureAwait(false);
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

    private static async Task<int> StartAttachedAsync(CliContext context, string name, bool interactive, CancellationToken cancellationToken)
    {
        var container = await context.Client.InspectContainerAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var config = container.Config!;
        var sendStdin = interactive && config.OpenStdin;
        using var connection = await context.Client.AttachAsync(container.Id,
            new AttachOptions(sendStdin, Stdout: true, Stderr: true), cancellationToken).ConfigureAwait(false);

        var autoRemove = container.HostConfig?.AutoRemove == true;
        var wait = await context.Client.BeginWaitContainerAsync(container.Id, autoRemove ? "removed" : "next-exit", cancellationToken).ConfigureAwait(false);
        await context.Client.StartContainerAsync(container.Id, cancellationToken).ConfigureAwait(false);
        await new AttachSession(connection, context, sendStdin, config.Tty).RunAsync(cancellationToken).ConfigureAwait(false);
        var status = await wait.ConfigureAwait(false);
        return (int)status.StatusCode;
    }
}
