using Modular.Api.Models;

namespace Modular.Cli.Commands;

/// <summary>docker's jsonmessage display for a non-terminal: one line per message, errors end the command.</summary>
internal static class ProgressDisplay
{
    public static async Task ShowAsync(IAsyncEnumerable<ProgressMessage> messages, TextWriter output)
    {
        await foreach (var message in messages.ConfigureAwait(false))
        {
            if (message.FailureMessage is { } failure)
                throw new CliStatusException(1, failure);
            if (message.Aux is not null)
                continue;

            var line = message.Id is { Length: > 0 } id ? id + ": " : "";
            if (message.Progress is { Length: > 0 } && message.ProgressDetail is null)
                output.Write($"{line}{message.Status} {message.Progress}\n");
            else if (message.Stream is { Length: > 0 } stream)
                output.Write(line + stream);
            else if (message.ProgressDetail is null || message.Id is null)
                output.Write($"{line}{message.Status}\n");
        }
        await output.FlushAsync().ConfigureAwait(false);
    }
}
