using System.CommandLine;
using Modular.Api.Client;
using Modular.Api.Streams;
using Modular.Cli.Templates;

namespace Modular.Cli;

/// <summary>Runs a command body with the shared context and turns failures into docker's messages and exit codes.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, body, cancellationToken));

    public static async Task<int> RunAsync(ParseResult result, Func<CliContext, ParseResult, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var context = CliContext.From(result);
        try
        {
            return await body(context, result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(context, e);
        }
    }

    public static int Report(CliContext context, Exception error)
    {
        switch (error)
        {
            case CliStatusException status:
                if (status.Message.Length > 0)
                    context.Err.WriteLine(status.Message);
                return status.ExitCode;
            case EngineApiException api:
                context.Err.WriteLine(CliErrors.DaemonMessage(api));
                return 1;
            case EngineUnreachableException unreachable:
                context.Err.WriteLine(CliErrors.Unreachable(unreachable));
                return 1;
            case TemplateException template:
                context.Err.WriteLine(template.Message.StartsWith("template parsing error", StringComparison.Ordinal)
                    ? template.Message : "template: " + template.Message);
                return 1;
            case StdStreamSystemErrorException streamError:
                context.Err.WriteLine("Error: " + streamError.Message);
                return 1;
            case OperationCanceledException:
                return 130;
            default:
                context.Err.WriteLine(context.Debug ? error.ToString() : "Error: " + error.Message);
                return 1;
        }
    }
}
