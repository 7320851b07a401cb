using System.CommandLine;
using Modular.Cli.Formatting;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary>commit, export and save: images made from containers, and archives written to a file or stdout.</summary>
internal static class ImageArchiveCommands
{
    public static Command BuildCommit()
    {
        var command = new Command("commit", "Create a new image from a container's changes");
        var author = new Option<string?>("--author", "-a") { Description = "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")" };
        var change = new Option<string[]>("--change", "-c") { Description = "Apply Dockerfile instruction to the created image" };
        var message = new Option<string?>("--message", "-m") { Description = "Commit message" };
        var pause = new Option<bool>("--pause", "-p") { Description = "Pause container during commit", DefaultValueFactory = _ => true };
        var container = new Argument<string>("CONTAINER");
        var repository = new Argument<string?>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrOne };
        foreach (var option in new Option[] { author, change, message, pause })
            command.Options.Add(option);
        command.Arguments.Add(container);
        command.Arguments.Add(repository);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            string? repo = null, tag = null;
            if (result.GetValue(repository) is { Length: > 0 } target)
                (repo, tag) = TextUtil.SplitReference(target);
            var id = await context.Client.CommitContainerAsync(result.GetValue(container)!, repo, tag, result.GetValue(message),
                result.GetValue(author), result.GetValue(pause), result.GetValue(change) ?? [], cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine(id);
            return 0;
        });
        return command;
    }

    public static Command BuildExport()
    {
        var command = new Command("export", "Export a container's filesystem as a tar archive");
        var output = new Option<string?>("--output", "-o") { Description = "Write to a file, instead of STDOUT" };
        var container = new Argument<string>("CONTAINER");
        command.Options.Add(output);
        command.Arguments.Add(container);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var file = result.GetValue(output);
            RefuseTerminal(file, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
            await using var archive = await context.Client.ExportContainerAsync(result.GetValue(container)!, cancellationToken).ConfigureAwait(false);
            await WriteOutAsync(context, archive.Body, file, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command BuildSave()
    {
        var command = new Command("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
        var output = new Option<string?>("--output", "-o") { Description = "Write to a file, instead of STDOUT" };
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(output);
        command.Arguments.Add(images);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var file = result.GetValue(output);
            RefuseTerminal(file, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
            await using var archive = await context.Client.SaveImagesAsync(result.GetValue(images)!, cancellationToken).ConfigureAwait(false);
            await WriteOutAsync(context, archive.Body, file, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static void RefuseTerminal(string? file, string message)
    {
        if (file is null && TerminalNative.IsTerminal(TerminalNative.StdoutFileDescriptor))
            throw new CliStatusException(1, message);
    }

    /// <summary>
    /// To a file the archive goes through a temporary file renamed into place at the end, as docker's client does, so
    /// an interrupted save never leaves a truncated archive under the wanted name.
    /// </summary>
    private static async Task WriteOutAsync(CliContext context, Stream archive, string? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            await archive.CopyToAsync(context.StdoutStream, cancellationToken).ConfigureAwait(false);
            await context.StdoutStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var full = Path.GetFullPath(file);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await archive.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliStatusException(1, $"failed to save: {e.Message}");
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
