namespace Modular.Cli.Copy;

/// <summary>One side of <c>cp</c>: a local path, "-" (a tar on stdin/stdout), or CONTAINER:PATH.</summary>
internal sealed record CopyEndpoint(string? Container, string Path)
{
    public bool IsContainer => Container is not null;

    /// <summary>docker's splitCpArg: an absolute path or one starting with "." is local even with a colon in it.</summary>
    public static CopyEndpoint Parse(string argument)
    {
        if (argument.StartsWith('/') || argument.StartsWith('.'))
            return new CopyEndpoint(null, argument);
        var colon = argument.IndexOf(':');
        return colon < 0 ? new CopyEndpoint(null, argument) : new CopyEndpoint(argument[..colon], argument[(colon + 1)..]);
    }
}

/// <summary>What is known of the source of a copy (moby's archive.CopyInfo).</summary>
internal sealed record SourceInfo(string Path, bool IsDirectory, string RebaseName = "");

/// <summary>What is known of the destination of a copy.</summary>
internal sealed record DestinationInfo(string Path, bool Exists, bool IsDirectory);

/// <summary>Where to extract and how to rename the archive's top entry (moby's PrepareArchiveCopy).</summary>
internal sealed record CopyPlan(string DestinationDirectory, string? RebaseFrom, string? RebaseTo);

/// <summary>docker cp's path rules: "dir" copies the directory, "dir/." its contents; a trailing slash asserts a directory.</summary>
internal static class CopyPaths
{
    public const string NoSuchDirectory = "no such directory";
    public const string CannotCopyDirectory = "cannot copy directory";
    public const string NotADirectory = "not a directory";

    public static bool HasTrailingSeparator(string path) => path.EndsWith('/');

    /// <summary>Ends in "/" or "/." (or is "."): the caller means a directory.</summary>
    public static bool AssertsDirectory(string path) => HasTrailingSeparator(path) || SpecifiesCurrentDirectory(path);

    public static bool SpecifiesCurrentDirectory(string path) => System.IO.Path.GetFileName(path) == "." || path == ".";

    /// <summary>Go's filepath.Clean keeping a trailing "/" or "/." the user typed (moby's PreserveTrailingDotOrSeparator).</summary>
    public static string CleanPreservingTrailing(string path)
    {
        var cleaned = Clean(path);
        if (!SpecifiesCurrentDirectory(cleaned) && SpecifiesCurrentDirectory(path))
            cleaned = cleaned.TrimEnd('/') + "/.";
        if (!HasTrailingSeparator(cleaned) && HasTrailingSeparator(path))
            cleaned += "/";
        return cleaned;
    }

    /// <summary>Splits "a/b/c" into ("a/b", "c") after cleaning, as moby's SplitPathDirEntry (dir "." for a bare name).</summary>
    public static (string Directory, string Entry) SplitDirectoryEntry(string path)
    {
        var cleaned = Clean(path);
        var slash = cleaned.LastIndexOf('/');
        var entry = slash < 0 ? cleaned : cleaned[(slash + 1)..];
        var directory = slash < 0 ? "." : slash == 0 ? "/" : cleaned[..slash];
        if (SpecifiesCurrentDirectory(path))
        {
            directory = cleaned;
            entry = ".";
        }
        return (directory, entry);
    }

    /// <summary>moby's PrepareArchiveCopy: an existing directory takes the archive as it is; otherwise it is extracted into
    /// the destination's parent with its top entry renamed to the destination's name.</summary>
    public static CopyPlan Plan(SourceInfo source, DestinationInfo destination)
    {
        var (destinationDirectory, destinationBase) = SplitDirectoryEntry(destination.Path);
        var sourceBase = source.RebaseName.Length > 0 ? source.RebaseName : SplitDirectoryEntry(source.Path).Entry;
        if (destination.Exists && destination.IsDirectory)
            return new CopyPlan(destination.Path, null, null);
        if (destination.Exists && source.IsDirectory)
            throw new CliStatusException(1, CannotCopyDirectory);
        if (!destination.Exists && !source.IsDirectory && AssertsDirectory(destination.Path))
            throw new CliStatusException(1, NoSuchDirectory);
        return new CopyPlan(destinationDirectory, sourceBase, destinationBase);
    }

    /// <summary>Go's path.Clean for slash-separated paths.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                    parts.RemoveAt(parts.Count - 1);
                else if (!rooted)
                    parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
