using System.CommandLine;
using System.IO.Pipelines;
using Modular.Api.Client;
using Modular.Api.Formatting;
using Modular.Cli.Copy;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular cp [-a] [-L] [-q] SRC DEST</c> with one side CONTAINER:PATH, in docker's order and words: the archive is
/// prepared on this side (renamed when the destination is a new name or an existing file) and extracted by the daemon
/// (PUT) or here (GET); "-" stands for a tar on stdin or stdout.
/// </summary>
internal static class CpCommand
{
    public static Command Build()
    {
        var command = new Command("cp", "Copy files/folders between a container and the local filesystem");
        var archive = new Option<bool>("--archive", "-a") { Description = "Archive mode (copy all uid/gid information)" };
        var followLink = new Option<bool>("--follow-link", "-L") { Description = "Always follow symbol link in SRC_PATH" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached to STDERR" };
        var source = new Argument<string>("SRC");
        var destination = new Argument<string>("DEST");
        foreach (var option in new Option[] { archive, followLink, quiet })
            command.Options.Add(option);
        command.Arguments.Add(source);
        command.Arguments.Add(destination);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var from = CopyEndpoint.Parse(result.GetValue(source)!);
            var to = CopyEndpoint.Parse(result.GetValue(destination)!);
            if (from.IsContainer && from.Container!.Length == 0 || to.IsContainer && to.Container!.Length == 0)
                throw new CliStatusException(1, "empty container name");
            if (from.IsContainer == to.IsContainer)
                throw new CliStatusException(1, from.IsContainer
                    ? "copying between containers is not supported"
                    : "must specify at least one container source");
            var report = !result.GetValue(quiet) && TerminalNative.IsTerminal(2);
            if (from.IsContainer)
                await CopyFromContainerAsync(context, from, to.Path, result.GetValue(followLink), report, cancellationToken).ConfigureAwait(false);
            else
                await CopyToContainerAsync(context, from.Path, to, result.GetValue(followLink), result.GetValue(archive), report, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task CopyFromContainerAsync(CliContext context, CopyEndpoint from, string destination, bool followLink, bool report,
        CancellationToken cancellationToken)
    {
        var sourcePath = from.Path;
        if (destination != "-")
        {
            destination = AbsoluteLocalPath(destination);
            var parent = Path.GetDirectoryName(CopyPaths.Clean(destination));
            if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
                throw new CliStatusException(1, $"invalid output path: directory \"{parent}\" does not exist");
        }

        var rebaseName = "";
        if (followLink)
        {
            var stat = await context.Client.StatContainerPathAsync(from.Container!, sourcePath, cancellationToken).ConfigureAwait(false);
            if (stat.IsSymlink)
            {
                var linkTarget = stat.LinkTarget.StartsWith('/') ? stat.LinkTarget
                    : CopyPaths.Clean(CopyPaths.SplitDirectoryEntry(sourcePath).Directory + "/" + stat.LinkTarget);
                (sourcePath, rebaseName) = RebaseName(sourcePath, linkTarget);
            }
        }

        await using var archive = await context.Client.GetArchiveAsync(from.Container!, sourcePath, cancellationToken).ConfigureAwait(false);
        var counted = new CountingStream(archive.Content);
        if (destination == "-")
        {
            await counted.CopyToAsync(context.StdoutStream, cancellationToken).ConfigureAwait(false);
            return;
        }

        var source = new SourceInfo(sourcePath, archive.Stat?.IsDirectory ?? false, rebaseName);
        Stream content = counted;
        if (rebaseName.Length > 0)
            content = Rebased(counted, CopyPaths.SplitDirectoryEntry(sourcePath).Entry, rebaseName, cancellationToken);
        var plan = CopyPaths.Plan(source, LocalDestination(destination));
        if (plan.RebaseFrom is { } rebaseFrom)
            content = Rebased(content, rebaseFrom, plan.RebaseTo!, cancellationToken);
        await LocalArchive.ExtractAsync(content, plan.DestinationDirectory, cancellationToken).ConfigureAwait(false);
        if (report)
            await context.Err.WriteLineAsync($"Successfully copied {HumanUnits.Size(counted.Count)} to {destination}").ConfigureAwait(false);
    }

    private static async Task CopyToContainerAsync(CliContext context, string sourcePath, CopyEndpoint to, bool followLink, bool copyUidGid, bool report,
        CancellationToken cancellationToken)
    {
        var container = to.Container!;
        var destination = new DestinationInfo(to.Path, false, false);
        ContainerPathStat? stat = null;
        try
        {
            stat = await context.Client.StatContainerPathAsync(container, to.Path, cancellationToken).ConfigureAwait(false);
            if (stat.IsSymlink)
            {
                var linkTarget = stat.LinkTarget.StartsWith('/') ? stat.LinkTarget
                    : CopyPaths.Clean(CopyPaths.SplitDirectoryEntry(to.Path).Directory + "/" + stat.LinkTarget);
                destination = destination with { Path = linkTarget };
                stat = await context.Client.StatContainerPathAsync(container, linkTarget, cancellationToken).ConfigureAwait(false);
            }
            destination = destination with { Exists = true, IsDirectory = stat.IsDirectory };
        }
        catch (EngineApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && !e.Message.StartsWith("No such container", StringComparison.Ordinal))
        {
            // A missing destination is fine when its parent exists: the daemon's extraction will say if it does not.
        }

        if (sourcePath == "-")
        {
            if (!destination.IsDirectory)
                throw new CliStatusException(1, $"destination \"{container}:{to.Path}\" must be a directory");
            await context.Client.PutArchiveAsync(container, destination.Path, context.StdinStream, copyUidGid, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var source = LocalSource(AbsoluteLocalPath(sourcePath), followLink);
        var plan = CopyPaths.Plan(source, destination);
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            try
            {
                LocalArchive.Write(pipe.Writer.AsStream(leaveOpen: true), source.Path, source.RebaseName);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);
        var counted = new CountingStream(pipe.Reader.AsStream());
        Stream content = plan.RebaseFrom is { } rebaseFrom ? Rebased(counted, rebaseFrom, plan.RebaseTo!, cancellationToken) : counted;
        await context.Client.PutArchiveAsync(container, plan.DestinationDirectory, content, copyUidGid, cancellationToken: cancellationToken).ConfigureAwait(false);
        await writing.ConfigureAwait(false);
        if (report)
            await context.Err.WriteLineAsync($"Successfully copied {HumanUnits.Size(counted.Count)} to {container}:{to.Path}").ConfigureAwait(false);
    }

    /// <summary>moby's GetRebaseName: keep the "/." or "/" the user typed, and remember the typed name when a link resolved to another.</summary>
    private static (string Resolved, string RebaseName) RebaseName(string typed, string resolved)
    {
        if (CopyPaths.SpecifiesCurrentDirectory(typed) && !CopyPaths.SpecifiesCurrentDirectory(resolved))
            resolved += "/.";
        if (CopyPaths.HasTrailingSeparator(typed) && !CopyPaths.HasTrailingSeparator(resolved))
            resolved += "/";
        var typedBase = CopyPaths.SplitDirectoryEntry(typed).Entry;
        return (resolved, typedBase != CopyPaths.SplitDirectoryEntry(resolved).Entry ? typedBase : "");
    }

    /// <summary>moby's CopyInfoSourcePath: -L resolves the whole path, otherwise only the parent's links are resolved.</summary>
    private static SourceInfo LocalSource(string path, bool followLink)
    {
        string resolved, rebaseName;
        if (followLink)
        {
            (resolved, rebaseName) = RebaseName(path, ResolveLinks(path));
        }
        else
        {
            var slash = path.LastIndexOf('/');
            var parent = ResolveLinks(slash <= 0 ? "/" : path[..slash]);
            resolved = parent.TrimEnd('/') + "/" + path[(slash + 1)..];
            rebaseName = CopyPaths.HasTrailingSeparator(path) && CopyPaths.SplitDirectoryEntry(path).Entry != CopyPaths.SplitDirectoryEntry(resolved).Entry
                ? CopyPaths.SplitDirectoryEntry(path).Entry : "";
        }
        var info = new FileInfo(CopyPaths.Clean(resolved));
        var isDirectory = Directory.Exists(info.FullName) && info.LinkTarget is null;
        if (!isDirectory && !info.Exists && info.LinkTarget is null)
            throw new CliStatusException(1, $"lstat {CopyPaths.Clean(resolved)}: no such file or directory");
        if (!isDirectory && CopyPaths.HasTrailingSeparator(path))
            throw new CliStatusException(1, CopyPaths.NotADirectory);
        return new SourceInfo(resolved, isDirectory, rebaseName);
    }

    /// <summary>moby's CopyInfoDestinationPath: links are followed (at most 10); a missing path needs an existing parent directory.</summary>
    private static DestinationInfo LocalDestination(string path)
    {
        for (var hops = 0; ; hops++)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                if (hops >= 10)
                    throw new CliStatusException(1, "too many symlinks in " + path);
                path = target.StartsWith('/') ? target : CopyPaths.Clean(CopyPaths.SplitDirectoryEntry(path).Directory + "/" + target);
                continue;
            }
            if (Directory.Exists(path))
                return new DestinationInfo(path, true, true);
            if (info.Exists)
                return new DestinationInfo(path, true, false);
            var parent = CopyPaths.SplitDirectoryEntry(path).Directory;
            if (File.Exists(parent))
                throw new CliStatusException(1, CopyPaths.NotADirectory);
            if (!Directory.Exists(parent))
                throw new CliStatusException(1, $"stat {parent}: no such file or directory");
            return new DestinationInfo(path, false, false);
        }
    }

    private static string ResolveLinks(string path)
    {
        var full = Path.GetFullPath(CopyPaths.Clean(path));
        var resolved = "/";
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            for (var hops = 0; new FileInfo(next).LinkTarget is { } target && hops < 40; hops++)
                next = Path.GetFullPath(target, Path.GetDirectoryName(next)!);
            resolved = next;
        }
        return resolved;
    }

    /// <summary>filepath.Abs keeping a trailing "/" or "/." (docker's resolveLocalPath).</summary>
    private static string AbsoluteLocalPath(string path) =>
        CopyPaths.CleanPreservingTrailing(path.StartsWith('/') ? path : Path.Combine(Environment.CurrentDirectory, path));

    private static Stream Rebased(Stream source, string from, string to, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        _ = Task.Run(async () =>
        {
            try
            {
                await TarRebase.CopyAsync(source, pipe.Writer.AsStream(leaveOpen: true), from, to, cancellationToken).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return pipe.Reader.AsStream();
    }
}
