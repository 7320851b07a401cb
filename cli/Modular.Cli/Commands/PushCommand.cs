using System.CommandLine;
using Modular.Cli.Registry;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary><c>modular push [-a] [-q] NAME[:TAG]</c>, with the credentials <c>login</c> stored.</summary>
internal static class PushCommand
{
    public static Command Build()
    {
        var command = new Command("push", "Upload an image to a registry");
        var image = new Argument<string>("NAME[:TAG]");
        var allTags = new Option<bool>("--all-tags", "-a") { Description = "Push all tags of an image to the repository" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        command.Arguments.Add(image);
        command.Options.Add(allTags);
        command.Options.Add(quiet);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var name = result.GetValue(image)!;
            var (repository, tag) = PullCommand.SplitTagOrDigest(name);
            if (result.GetValue(allTags) && tag is not null)
                throw new CliStatusException(1, "tag can't be used with --all-tags/-a");
            if (!result.GetValue(allTags) && tag is null)
            {
                tag = "latest";
                if (!result.GetValue(quiet))
                    context.Out.Write("Using default tag: latest\n");
            }
            var messages = context.Client.PushImageAsync(repository, tag ?? "", RegistryAuth.HeaderFor(name), cancellationToken);
            await TransferDisplay.ShowAsync(messages, context.Out, TerminalNative.IsTerminal(TerminalNative.StdoutFileDescriptor), result.GetValue(quiet))
                .ConfigureAwait(false);
            if (result.GetValue(quiet))
                context.Out.Write(name + (tag is null || name.EndsWith(":" + tag, StringComparison.Ordinal) ? "" : ":" + tag) + "\n");
            return 0;
        });
        return command;
    }
}
