using System.CommandLine;
using Modular.Api.Client;
using Modular.Api.Models;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular exec [OPTIONS] CONTAINER COMMAND [ARG...]</c>, in docker's order: inspect (so "No such container" wins),
/// create the exec, start it hijacked (or detached with -d), pump the streams, then exit with the exec's exit code.
/// </summary>
internal static class ExecCommand
{
    public static Command Build()
    {
        var command = new Command("exec", "Execute a command in a running container");
        var detach = new Option<bool>("--detach", "-d") { Description = "Detached mode: run command in the background" };
        var detachKeys = new Option<string?>("--detach-keys") { Description = "Override the key sequence for detaching a container" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables", AllowMultipleArgumentsPerToken = false };
        var envFile = new Option<string[]>("--env-file") { Description = "Read in a file of environment variables", AllowMultipleArgumentsPerToken = false };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };
        var user = new Option<string?>("--user", "-u") { Description = "Username or UID (format: \"<name|uid>[:<group|gid>]\")" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Allocate a pseudo-TTY" };
        // The daemon cannot give an exec extra privileges yet: the flag parses so the refusal can name it.
        var privileged = new Option<bool>("--privileged") { Description = "Give extended privileges to the command" };
        var positional = new Argument<string[]>("CONTAINER COMMAND [ARG...]") { Arity = new ArgumentArity(2, ArgumentArity.OneOrMore.MaximumNumberOfValues) };
        foreach (var option in new Option[] { detach, detachKeys, env, envFile, interactive, privileged, tty, user, workdir })
            command.Options.Add(option);
        command.Arguments.Add(positional);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {

            var arguments = result.GetValue(positional)!;
            var container = arguments[0];
            var isDetached = result.GetValue(detach);
            var withTty = result.GetValue(tty);
            var config = new ExecConfig
            {
                Tty = withTty,
                Privileged = result.GetValue(privileged),
                ConsoleSize = withTty ? TtySizeMonitor.ConsoleSize() ?? [0, 0] : null,
                User = result.GetValue(user) ?? "",
                WorkingDir = result.GetValue(workdir) ?? "",
                Cmd = arguments.Skip(1).ToList(),
                Env = ReadEnvironment(result.GetValue(envFile) ?? [], result.GetValue(env) ?? []),
                Detach = isDetached,
                DetachKeys = result.GetValue(detachKeys) ?? "",
                AttachStdout = !isDetached,
                AttachStderr = !isDetached,
                AttachStdin = !isDetached && result.GetValue(interactive),
            };

            await context.Client.InspectContainerAsync(container, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!isDetached)
                TtyChecks.RequireTerminalStdin(config.AttachStdin, withTty);
            var execId = await context.Client.CreateExecAsync(container, config, cancellationToken).ConfigureAwait(false);
            if (isDetached)
            {
                await context.Client.StartExecDetachedAsync(execId, withTty, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            using (var connection = await context.Client.StartExecAttachedAsync(execId, withTty, config.ConsoleSize, cancellationToken).ConfigureAwait(false))
            {
                // docker monitors the exec's size only when stdin is a terminal (unlike run and attach, which look at stdout).
                using var sizeMonitor = withTty && TerminalNative.IsTerminal(TerminalNative.StdinFileDescriptor)
                    ? TtySizeMonitor.Start((height, width, token) => context.Client.ResizeExecAsync(execId, height, width, token), context.Err)
                    : null;
                var outcome = await new AttachSession(connection, context, config.AttachStdin, withTty, config.DetachKeys)
                    .RunAsync(cancellationToken).ConfigureAwait(false);
                // docker returns the escape proxy's error from exec as it does from attach.
                if (outcome == AttachOutcome.Detached)
                    throw new CliStatusException(1, AttachCommand.ReadEscapeSequence);
                if (outcome == AttachOutcome.DetachedByDaemon)
                    return 0;
            }

            return await ExitCodeAsync(context, execId, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>docker's ReadKVEnvStrings: env files first, then -e values; a bare NAME takes the caller's value.</summary>
    internal static List<string> ReadEnvironment(IReadOnlyList<string> envFiles, IReadOnlyList<string> envArguments)
    {
        var environment = new List<string>();
        try
        {
            foreach (var file in envFiles)
                environment.AddRange(EnvFile.Parse(file, ReadEnvFile(file), Environment.GetEnvironmentVariable));
            foreach (var entry in envArguments)
                environment.Add(CreateRequestBuilder.ExpandEnvironmentArgument(entry, Environment.GetEnvironmentVariable));
        }
        catch (CliStatusException e)
        {
            // docker exec reports these as plain errors (status 1), unlike run's 125.
            throw new CliStatusException(1, e.Message);
        }
        return environment;
    }

    private static string ReadEnvFile(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliStatusException(1, $"open {file}: no such file or directory");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliStatusException(1, $"open {file}: {e.Message}");
        }
    }

    /// <summary>The output has ended; the exec's own exit code is the command's. An unreachable daemon gives 255, as docker's -1.</summary>
    private static async Task<int> ExitCodeAsync(CliContext context, string execId, CancellationToken cancellationToken)
    {
        try
        {
            var inspect = await context.Client.InspectExecAsync(execId, cancellationToken).ConfigureAwait(false);
            // The output can close a moment before the daemon has recorded how the process ended.
            for (var attempt = 0; inspect.Running && attempt < 50; attempt++)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                inspect = await context.Client.InspectExecAsync(execId, cancellationToken).ConfigureAwait(false);
            }
            return inspect.ExitCode ?? 0;
        }
        catch (EngineUnreachableException)
        {
            return 255;
        }
    }
}
