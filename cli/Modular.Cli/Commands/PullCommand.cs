using System.CommandLine;
using Modular.Cli.Registry;
using Modular.Cli.Terminal;

namespace Modular.Cli.Commands;

/// <summary><c>modular pull [--platform] [-q] [-a] NAME[:TAG|@DIGEST]</c>, with the credentials <c>login</c> stored.</summary>
internal static class PullCommand
{
    public static Command Build()
    {
        var command = new Command("pull", "Download an image from a registry");
        var image = new Argument<string>("NAME[:TAG|@DIGEST]");
        var platform = new Option<string?>("--platform") { Description = "Set platform if server is multi-platform capable" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        var allTags = new Option<bool>("--all-tags", "-a") { Description = "Download all tagged images in the repository" };
        command.Arguments.Add(image);
        command.Options.Add(platform);
        command.Options.Add(quiet);
        command.Options.Add(allTags);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var name = result.GetValue(image)!;
            var (repository, tag) = SplitTagOrDigest(name);
            if (result.GetValue(allTags) && tag is not null)
                throw new CliStatusException(1, "tag can't be used with --all-tags/-a");
            if (!result.GetValue(allTags))
                tag ??= "latest";
            if (!result.GetValue(allTags) && !name.Contains('@') && !name[(name.LastIndexOf('/') + 1)..].Contains(':') && !result.GetValue(quiet))
                context.Out.Write($"Using default tag: latest\n");
            var messages = context.Client.PullImageAsync(repository, tag ?? "", result.GetValue(platform), RegistryAuth.HeaderFor(name), cancellationToken);
            var quietPull = result.GetValue(quiet);
            await TransferDisplay.ShowAsync(messages, context.Out, TerminalNative.IsTerminal(TerminalNative.StdoutFileDescriptor), quietPull)
                .ConfigureAwait(false);
            if (quietPull)
                context.Out.Write(Qualified(name, tag) + "\n");
            return 0;
        });
        return command;
    }

    /// <summary>Splits <c>repo:tag</c> or <c>repo@digest</c> (a port in the registry host is not a tag).</summary>
    internal static (string Repository, string? TagOrDigest) SplitTagOrDigest(string name)
    {
        var at = name.IndexOf('@');
        if (at >= 0)
            return (name[..at], name[(at + 1)..]);
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? (name[..colon], name[(colon + 1)..]) : (name, null);
    }

    private static string Qualified(string name, string? tag)
    {
        var (repository, _) = SplitTagOrDigest(name);
        var firstSlash = repository.IndexOf('/');
        var hasHost = firstSlash > 0 && (repository[..firstSlash].Contains('.') || repository[..firstSlash].Contains(':') || repository[..firstSlash] == "localhost");
        var full = hasHost ? repository : "docker.io/" + (repository.Contains('/') ? repository : "library/" + repository);
        return tag is null ? full : tag.Contains(':') ? $"{full}@{tag}" : $"{full}:{tag}";
    }
}
