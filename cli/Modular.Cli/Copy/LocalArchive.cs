using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace Modular.Cli.Copy;

/// <summary>Tars a local path for upload (moby's TarResourceRebase) and extracts a downloaded tar into a local
/// directory (moby's Untar with NoLchown and NoOverwriteDirNonDir: owners are not restored, a directory never
/// replaces a file nor a file a directory).</summary>
internal static partial class LocalArchive
{
    /// <summary>Writes <paramref name="sourcePath"/> (and, for a directory, everything under it without following links)
    /// named <paramref name="rebaseName"/> or its own base name ("." for "dir/.", which archives the contents).</summary>
    public static void Write(Stream destination, string sourcePath, string rebaseName)
    {
        var (directory, entry) = CopyPaths.SplitDirectoryEntry(sourcePath);
        var top = rebaseName.Length > 0 ? rebaseName : entry;
        var root = entry == "." ? directory : Path.Combine(directory, entry);
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        WriteTree(writer, root, top);
    }

    private static void WriteTree(TarWriter writer, string path, string name)
    {
        var info = new FileInfo(path);
        var isDirectory = info.Attributes.HasFlag(FileAttributes.Directory) && info.LinkTarget is null;
        writer.WriteEntry(path, isDirectory ? name + "/" : name);
        if (!isDirectory)
            return;
        foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
            WriteTree(writer, child, name + "/" + Path.GetFileName(child));
    }

    /// <summary>Extracts into <paramref name="directory"/>; entries that would land outside it are refused.</summary>
    public static async Task ExtractAsync(Stream tar, string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        var directoryTimes = new List<(string Path, DateTimeOffset Time)>();
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var relative = CopyPaths.Clean(entry.Name);
            if (relative.StartsWith('/') || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal))
                throw new CliStatusException(1, $"invalid archive entry \"{entry.Name}\": it would be extracted outside {directory}");
            var target = relative == "." ? root : Path.Combine(root, relative);
            var existing = new FileInfo(target);
            var existsAsDirectory = Directory.Exists(target) && existing.LinkTarget is null;
            var exists = existsAsDirectory || existing.Exists || existing.LinkTarget is not null;

            if (entry.EntryType == TarEntryType.Directory)
            {
                if (exists && !existsAsDirectory)
                    throw new CliStatusException(1, $"cannot overwrite non-directory \"{target}\" with directory \"{relative}\"");
                Directory.CreateDirectory(target);
                File.SetUnixFileMode(target, (UnixFileMode)((int)entry.Mode & 0xFFF));
                directoryTimes.Add((target, entry.ModificationTime));
                continue;
            }
            if (existsAsDirectory)
                throw new CliStatusException(1, $"cannot overwrite directory \"{target}\" with non-directory \"{relative}\"");
            if (exists)
                File.Delete(target);

            if (entry.EntryType == TarEntryType.HardLink)
            {
                var linkTarget = Path.Combine(root, CopyPaths.Clean(entry.LinkName));
                if (Link(linkTarget, target) != 0)
                    throw new IOException($"link {linkTarget} {target}: errno {Marshal.GetLastPInvokeError()}");
                continue;
            }
            if (entry.EntryType == TarEntryType.SymbolicLink)
            {
                File.CreateSymbolicLink(target, entry.LinkName);
                continue;
            }
            await entry.ExtractToFileAsync(target, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        // Creating children touched the directories: their times go back last, deepest first.
        foreach (var (path, time) in directoryTimes.AsEnumerable().Reverse())
            Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
    }

    [LibraryImport("libc.so.6", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);
}
