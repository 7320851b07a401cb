using System.Formats.Tar;

namespace Modular.Cli.Copy;

/// <summary>moby's RebaseArchiveEntries: renames the top entry of a tar (and everything under it, and hard-link targets
/// pointing into it) from one base name to another, copying every other entry unchanged.</summary>
internal static class TarRebase
{
    public static string? Rename(string name, string from, string to)
    {
        var trimmed = name.StartsWith("./", StringComparison.Ordinal) && from != "." ? name[2..] : name;
        if (trimmed == from || trimmed == from + "/")
            return to + trimmed[from.Length..];
        if (trimmed.StartsWith(from + "/", StringComparison.Ordinal))
            return to + trimmed[from.Length..];
        return null;
    }

    public static async Task CopyAsync(Stream source, Stream destination, string from, string to, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(source, leaveOpen: true);
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            // moby skips entries outside the base rather than failing the copy.
            if (Rename(entry.Name, from, to) is not { } renamed)
                continue;
            await using var data = await SpoolAsync(entry.DataStream, cancellationToken).ConfigureAwait(false);
            var copy = CopyWithName(entry, renamed, data);
            if (entry.EntryType == TarEntryType.HardLink && Rename(entry.LinkName, from, to) is { } linkTarget)
                copy.LinkName = linkTarget;
            await writer.WriteEntryAsync(copy, cancellationToken).ConfigureAwait(false);
        }
    }

    private const long InMemoryLimit = 16 << 20;

    /// <summary>TarWriter needs a seekable data stream to write into a pipe, so an entry's data is held in memory, or in a
    /// temporary file (deleted on close) when it is large.</summary>
    private static async Task<Stream?> SpoolAsync(Stream? data, CancellationToken cancellationToken)
    {
        if (data is null)
            return null;
        Stream spool = data.Length <= InMemoryLimit
            ? new MemoryStream()
            : new FileStream(Path.Combine(Path.GetTempPath(), "modular-cp-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await data.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
        spool.Position = 0;
        return spool;
    }

    private static TarEntry CopyWithName(TarEntry entry, string name, Stream? data)
    {
        var copy = new PaxTarEntry(entry.EntryType is TarEntryType.V7RegularFile ? TarEntryType.RegularFile : entry.EntryType, name)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            ModificationTime = entry.ModificationTime,
        };
        if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            copy.DataStream = data;
        if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            copy.LinkName = entry.LinkName;
        if (entry is PosixTarEntry posix)
        {
            copy.UserName = posix.UserName;
            copy.GroupName = posix.GroupName;
        }
        return copy;
    }
}
