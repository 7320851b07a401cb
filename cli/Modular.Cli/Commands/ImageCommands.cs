using System.CommandLine;
using Modular.Api.Client;
using Modular.Api.Json;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary>images, import, load, tag and rmi.</summary>
internal static class ImageCommands
{
    public static Command BuildImages()
    {
        var command = new Command("images", "List images");
        var all = new Option<bool>("--all", "-a") { Description = "Show all images (default hides intermediate images)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var digests = new Option<bool>("--digests") { Description = "Show digests" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')" };
        var reference = new Argument<string?>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrOne };
        foreach (var option in new Option[] { all, digests, filter, format, noTrunc, quiet })
            command.Options.Add(option);
        command.Arguments.Add(reference);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            if (result.GetValue(reference) is { Length: > 0 } repository)
                filters.Add("reference", repository);

            var showDigests = result.GetValue(digests);
            var images = await context.Client.ListImagesAsync(result.GetValue(all), showDigests, filters, cancellationToken).ConfigureAwait(false);
            var chosen = result.GetValue(format);
            var template = result.GetValue(quiet) ? ImageRow.QuietFormat
                : chosen is { Length: > 0 } custom ? custom
                : showDigests ? ImageRow.DigestsTable
                : ImageRow.DefaultTable;
            var rows = ImageRow.For(images, showDigests || (chosen?.Contains(".Digest", StringComparison.Ordinal) ?? false),
                !result.GetValue(noTrunc), DateTimeOffset.UtcNow);
            context.Out.Write(TableOutput.Render(template, ImageRow.DefaultTable, rows, ImageRow.Headers));
            return 0;
        });
        return command;
    }

    public static Command BuildImport()
    {
        var command = new Command("import", "Import the contents from a tarball to create a filesystem image");
        var change = new Option<string[]>("--change", "-c") { Description = "Apply Dockerfile instruction to the created image" };
        var message = new Option<string?>("--message", "-m") { Description = "Set commit message for imported image" };
        var platform = new Option<string?>("--platform") { Description = "Set platform if server is multi-platform capable" };
        var source = new Argument<string>("file|URL|-");
        // docker checks only for at least one argument (RequiresMinArgs(1)) and ignores any after the repository.
        var repository = new Argument<string[]>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrMore };
        command.Options.Add(change);
        command.Options.Add(message);
        command.Options.Add(platform);
        command.Arguments.Add(source);
        command.Arguments.Add(repository);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var from = result.GetValue(source)!;
            if (from.Contains("://", StringComparison.Ordinal))
                throw new CliStatusException(1, "Error: importing from a URL is not supported by modular yet; download the file and import it");

            string? repo = null, tag = null;
            if (result.GetValue(repository) is [{ Length: > 0 } target, ..])
                (repo, tag) = TextUtil.SplitReference(target);

            await using var input = from == "-" ? context.StdinStream : OpenFile(from);
            var messages = context.Client.ImportImageAsync(input, repo, tag, result.GetValue(message),
                result.GetValue(change) ?? [], result.GetValue(platform), cancellationToken);
            await ProgressDisplay.ShowAsync(messages, context.Out).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command BuildLoad()
    {
        var command = new Command("load", "Load an image from a tar archive or STDIN");
        var input = new Option<string?>("--input", "-i") { Description = "Read from tar archive file, instead of STDIN" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the load output" };
        command.Options.Add(input);
        command.Options.Add(quiet);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var file = result.GetValue(input);
            if (file is null && !Console.IsInputRedirected)
                throw new CliStatusException(1, "requested load from stdin, but stdin is empty");
            await using var tarball = file is null ? context.StdinStream : OpenFile(file);
            var messages = context.Client.LoadImageAsync(tarball, result.GetValue(quiet), cancellationToken);
            await ProgressDisplay.ShowAsync(messages, context.Out).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command BuildTag()
    {
        var command = new Command("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
        var sourceArgument = new Argument<string>("SOURCE_IMAGE[:TAG]");
        var targetArgument = new Argument<string>("TARGET_IMAGE[:TAG]");
        command.Arguments.Add(sourceArgument);
        command.Arguments.Add(targetArgument);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var (repository, tag) = TextUtil.SplitReference(result.GetValue(targetArgument)!);
            await context.Client.TagImageAsync(result.GetValue(sourceArgument)!, repository, tag ?? "latest", cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command BuildRmi()
    {
        var command = new Command("rmi", "Remove one or more images");
        var force = new Option<bool>("--force", "-f") { Description = "Force removal of the image" };
        var noPrune = new Option<bool>("--no-prune") { Description = "Do not delete untagged parents" };
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(force);
        command.Options.Add(noPrune);
        command.Arguments.Add(images);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var failed = false;
            foreach (var image in result.GetValue(images)!)
            {
                try
                {
                    foreach (var item in await context.Client.RemoveImageAsync(image, result.GetValue(force), result.GetValue(noPrune), cancellationToken).ConfigureAwait(false))
                    {
                        if (item.Untagged is not null)
                            context.Out.WriteLine("Untagged: " + item.Untagged);
                        if (item.Deleted is not null)
                            context.Out.WriteLine("Deleted: " + item.Deleted);
                    }
                }
                catch (EngineApiException e)
                {
                    context.Err.WriteLine(CliErrors.DaemonMessage(e));
                    failed = true;
                }
            }
            return failed ? 1 : 0;
        });
        return command;
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliStatusException(1, $"open {path}: {e.Message}");
        }
    }
}
