using System.CommandLine;
using Modular.Cli.Registry;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular login</c> (-u, -p, --password-stdin) checks the credentials through the daemon (POST /auth) and stores them
/// the way the docker CLI does, in <c>~/.docker/config.json</c>; <c>modular logout</c> removes them.
/// </summary>
internal static class LoginCommands
{
    public static Command BuildLogin()
    {
        var command = new Command("login", "Authenticate to a registry");
        var server = new Argument<string?>("SERVER") { Arity = ArgumentArity.ZeroOrOne };
        var user = new Option<string?>("--username", "-u") { Description = "Username" };
        var password = new Option<string?>("--password", "-p") { Description = "Password or Personal Access Token (PAT)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Take the Password or Personal Access Token (PAT) from stdin" };
        command.Arguments.Add(server);
        command.Options.Add(user);
        command.Options.Add(password);
        command.Options.Add(passwordStdin);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var address = RegistryAuth.NormalizeServer(result.GetValue(server));
            var name = result.GetValue(user);
            var secret = result.GetValue(password);
            if (result.GetValue(passwordStdin))
            {
                if (secret is not null)
                    throw new CliStatusException(1, "--password and --password-stdin are mutually exclusive");
                if (string.IsNullOrEmpty(name))
                    throw new CliStatusException(1, "Must provide --username with --password-stdin");
                using var reader = new StreamReader(context.StdinStream);
                secret = (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\n', '\r');
            }
            else if (secret is not null)
            {
                context.Err.Write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
            }
            var config = DockerConfigFile.Load();
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(secret))
            {
                if (config.Credentials(address) is { } stored && string.IsNullOrEmpty(name))
                    (name, secret) = stored;
                else
                    throw new CliStatusException(1, "Error: Cannot perform an interactive login from a non TTY device");
            }
            var status = await context.Client.LoginAsync(RegistryAuth.AuthConfigJson(name!, secret!, address), cancellationToken).ConfigureAwait(false);
            config.Store(address, name!, secret!);
            context.Out.Write($"{(status.Length > 0 ? status : "Login Succeeded")}\n");
            return 0;
        });
        return command;
    }

    public static Command BuildLogout()
    {
        var command = new Command("logout", "Log out from a registry");
        var server = new Argument<string?>("SERVER") { Arity = ArgumentArity.ZeroOrOne };
        command.Arguments.Add(server);
        CommandRunner.SetAction(command, (context, result, cancellationToken) =>
        {
            var address = RegistryAuth.NormalizeServer(result.GetValue(server));
            var config = DockerConfigFile.Load();
            if (!config.Remove(address))
            {
                context.Out.Write($"Not logged in to {address}\n");
                return Task.FromResult(0);
            }
            context.Out.Write($"Removing login credentials for {address}\n");
            return Task.FromResult(0);
        });
        return command;
    }
}
