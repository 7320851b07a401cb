using System.CommandLine;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary><c>modular top CONTAINER [ps OPTIONS]</c>: the words after the container are handed to ps as one string.</summary>
internal static class TopCommand
{
    public static Command Build()
    {
        var command = new Command("top", "Display the running processes of a container");
        var positional = new Argument<string[]>("CONTAINER [ps OPTIONS]") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(positional);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var arguments = result.GetValue(positional)!;
            var psArgs = arguments.Length > 1 ? string.Join(' ', arguments.Skip(1)) : null;
            var top = await context.Client.TopAsync(arguments[0], psArgs, cancellationToken).ConfigureAwait(false);
            context.Out.Write(TopTable.Render(top));
            return 0;
        });
        return command;
    }
}
