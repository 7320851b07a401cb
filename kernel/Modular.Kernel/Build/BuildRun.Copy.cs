using System.Text;
using Modular.Api.Build;
using Modular.Kernel.Build.Dockerfile;
using Modular.Kernel.Runtime;
using Modular.Sdk;

namespace Modular.Kernel.Build;

internal sealed partial class BuildRun
{
    private static readonly HttpClient Downloads = new() { Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>
    /// COPY and ADD: sources from the context (confined to it), another stage or an image (<c>--from</c>), heredocs
    /// or, for ADD, URLs; wildcards; directories copy their contents; ADD extracts local tar archives. The checksum
    /// of the sources is part of the history text, so changed files miss the cache from this step on.
    /// </summary>
    private async Task CopyAsync(StageState state, CopyInstruction copy, VariableExpander expander, CancellationToken cancellationToken)
    {
        var name = copy.Name;
        var destination = expander.ProcessWord(copy.Destination);
        var workdir = state.Config.WorkingDir is { Length: > 0 } dir ? dir : "/";
        var absolute = destination.StartsWith('/') ? destination : workdir.TrimEnd('/') + "/" + destination;
        var namesDirectory = destination.EndsWith('/') || destination is "." or "./" || destination.EndsWith("/.", StringComparison.Ordinal);
        var cleanDestination = IgnorePatterns.CleanPath(absolute);

        LayerWorkspace? fromImage = null;
        try
        {
            var sourceRoot = _context.Root;
            if (copy.From is { } fromText)
            {
                var from = expander.ProcessWord(fromText);
                var imageId = _plan.StageIndex(from, state.Index) is { } stage
                    ? _stageImages[stage]
                    : (await BaseImageAsync(from, cancellationToken)).Id;
                fromImage = LayerWorkspace.Create(Storage, _builder.Journal, imageId is null ? null : Images.Inspect(imageId).TopLayerCacheId);
                sourceRoot = fromImage.Rootfs;
            }

            var sources = new List<CopySource>();
            foreach (var raw in copy.Sources)
            {
                var source = expander.ProcessWord(raw);
                if (copy.IsAdd && (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    sources.Add(await DownloadAsync(source, cancellationToken));
                    continue;
                }
                var matches = Resolve(name, source, sourceRoot, isContext: fromImage is null, copy.IsAdd);
                sources.AddRange(matches);
            }
            foreach (var heredoc in copy.Heredocs)
            {
                var content = heredoc.Expand ? expander.ProcessHeredoc(heredoc.Content) : heredoc.Content;
                sources.Add(new CopySource.Content(Encoding.UTF8.GetBytes(content), (UnixFileMode)0b110_100_100, null, heredoc.Name));
            }
            if (sources.Count == 0)
            {
                throw DriverException.InvalidArgument($"{name} failed: no source files were specified");
            }
            if ((sources.Count > 1 || copy.Sources.Count > 1) && !namesDirectory)
            {
                throw DriverException.InvalidArgument($"When using {name} with more than one source file, the destination must be a directory and end with a /");
            }

            var chown = copy.Chown is null ? null : expander.ProcessWord(copy.Chown);
            var chmod = copy.Chmod is null ? (UnixFileMode?)null : (UnixFileMode)Convert.ToInt32(copy.Chmod, 8);
            var flags = (chown is null ? "" : $"--chown={chown}") + (copy.Chmod is null ? "" : $"--chmod={copy.Chmod}");
            var createdBy = NopCommand(state, $"{name} {flags}{SourceChecksum.Of(sources)} in {destination} ", singleArgument: true);
            if (await TryCacheAsync(state, state.Config, createdBy))
            {
                return;
            }
            using var workspace = CreateWorkspace(state);
            var owner = chown is null ? (0u, 0u) : Owner(workspace.Rootfs, chown);
            var writer = new RootWriter(workspace.Rootfs, owner, chmod);
            var destinationIsDirectory = namesDirectory ||
                Directory.Exists(RootedPath.Resolve(workspace.Rootfs, cleanDestination, followFinal: true));
            foreach (var source in sources)
            {
                writer.Write(Place(source, cleanDestination, destinationIsDirectory));
            }
            workspace.Unmount();
            await CommitNewAsync(state, state.Config, createdBy, workspace.Id, cancellationToken);
        }
        finally
        {
            fromImage?.Dispose();
        }
    }

    /// <summary>Where a source goes: into the destination directory under its own name, or as the destination itself.</summary>
    private static CopySource Place(CopySource source, string destination, bool destinationIsDirectory) => source switch
    {
        CopySource.Directory or CopySource.Archive => source with { Target = destination },
        _ => source with { Target = destinationIsDirectory ? destination.TrimEnd('/') + "/" + source.Target : destination },
    };

    /// <summary>
    /// The sources one COPY argument names, with their base names as targets: a path (confined to the context, whose
    /// symlinks are followed inside it) or a wildcard pattern matched against every path.
    /// </summary>
    private static List<CopySource> Resolve(string instruction, string source, string root, bool isContext, bool isAdd)
    {
        var clean = IgnorePatterns.CleanPath(source.TrimStart('/'));
        if (clean == ".." || clean.StartsWith("../", StringComparison.Ordinal))
        {
            throw DriverException.InvalidArgument($"{instruction} failed: forbidden path outside the build context: {source} ()");
        }
        var results = new List<CopySource>();
        if (source.IndexOfAny(['*', '?', '[']) >= 0)
        {
            var pattern = IgnorePatterns.Compile(clean);
            foreach (var (relative, entry) in TreeWalker.Walk(root))
            {
                if (pattern.IsMatch(relative))
                {
                    results.Add(Describe(entry.FullName, entry.Name, isAdd));
                }
            }
            results.Sort((a, b) => string.CompareOrdinal(a.Target, b.Target));
            return results;
        }
        var host = clean == "." ? root : RootedPath.Resolve(root, clean, followFinal: true);
        if (!File.Exists(host) && !Directory.Exists(host))
        {
            var where = isContext ? "file not found in build context or excluded by .dockerignore" : "file not found";
            throw DriverException.InvalidArgument($"{instruction} failed: {where}: stat {clean}: file does not exist");
        }
        results.Add(Describe(host, Path.GetFileName(clean), isAdd));
        return results;
    }

    private static CopySource Describe(string host, string name, bool isAdd)
    {
        if (Directory.Exists(host))
        {
            return new CopySource.Directory(host, name);
        }
        return isAdd && RootWriter.IsArchive(host) ? new CopySource.Archive(host, name) : new CopySource.File(host, name);
    }

    /// <summary>ADD's URL source: downloaded into memory, mode 0600, named after the URL's last path segment.</summary>
    private static async Task<CopySource> DownloadAsync(string url, CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        var name = Path.GetFileName(uri.AbsolutePath.TrimEnd('/'));
        if (name.Length == 0)
        {
            throw DriverException.InvalidArgument($"cannot determine filename from url: {url}");
        }
        using var response = await Downloads.GetAsync(uri, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw DriverException.InvalidArgument($"failed to GET {url} with status {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new CopySource.Content(bytes, (UnixFileMode)0b110_000_000, response.Content.Headers.LastModified, name);
    }

    /// <summary>--chown's user and group: numbers as given, names from the image's /etc/passwd and /etc/group; a lone user doubles as the group.</summary>
    private static (uint Uid, uint Gid) Owner(string rootfs, string chown)
    {
        var parts = chown.Split(':', 2);
        var user = parts[0];
        var group = parts.Length > 1 ? parts[1] : parts[0];
        if (uint.TryParse(user, out var uid) && uint.TryParse(group, out var gid))
        {
            return (uid, gid);
        }
        var resolved = UserResolver.Resolve(rootfs, $"{user}:{group}");
        return (resolved.Uid, resolved.Gid);
    }
}
