using System.Formats.Tar;
using Modular.Api.Build;

namespace Modular.Cli.Build;

/// <summary>
/// The build context as the docker CLI sends it: a tar of the context folder without what .dockerignore excludes
/// (the Dockerfile and .dockerignore are always sent), entries owned by root, plus an extra Dockerfile when it lives
/// outside the context or comes from stdin.
/// </summary>
internal sealed class ContextArchive
{
    private readonly string _root;
    private readonly IgnorePatterns _patterns;
    private readonly (string Name, byte[] Content)? _extraDockerfile;

    public ContextArchive(string root, string dockerfileInContext, (string Name, byte[] Content)? extraDockerfile)
    {
        _root = Path.GetFullPath(root);
        var ignoreFile = Path.Combine(_root, ".dockerignore");
        var patterns = File.Exists(ignoreFile) ? IgnorePatterns.Parse(File.ReadAllText(ignoreFile)) : IgnorePatterns.FromLines([]);
        _patterns = patterns.Keeping(dockerfileInContext, ".dockerignore");
        _extraDockerfile = extraDockerfile;
    }

    /// <summary>Writes the tar to <paramref name="output"/> (left open).</summary>
    public void WriteTo(Stream output)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        AddDirectory(writer, _root, "");
        if (_extraDockerfile is { } extra)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, extra.Name)
            {
                Mode = (UnixFileMode)0b110_100_100,
                ModificationTime = DateTimeOffset.UtcNow,
                DataStream = new MemoryStream(extra.Content),
            };
            writer.WriteEntry(entry);
        }
    }

    private void AddDirectory(TarWriter writer, string directory, string relative)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var ignored = _patterns.Matches(name);
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            // An ignored directory is skipped whole unless an exception might keep something inside it.
            if (ignored && (!isDirectory || !_patterns.HasExceptions))
            {
                continue;
            }
            if (!ignored)
            {
                var header = Header(entry, name, isDirectory);
                using (header.DataStream)
                {
                    writer.WriteEntry(header);
                }
            }
            if (isDirectory)
            {
                AddDirectory(writer, entry.FullName, name);
            }
        }
    }

    private static PaxTarEntry Header(FileSystemInfo entry, string name, bool isDirectory)
    {
        if (entry.LinkTarget is { } target)
        {
            return new PaxTarEntry(TarEntryType.SymbolicLink, name)
            {
                LinkName = target,
                Mode = (UnixFileMode)0b111_111_111,
                ModificationTime = entry.LastWriteTimeUtc,
            };
        }
        var header = new PaxTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, isDirectory ? name + "/" : name)
        {
            Mode = entry.UnixFileMode,
            ModificationTime = entry.LastWriteTimeUtc,
        };
        if (!isDirectory)
        {
            header.DataStream = new FileStream(entry.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        return header;
    }
}
