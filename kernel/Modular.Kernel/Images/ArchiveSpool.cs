using System.Formats.Tar;
using System.IO.Compression;
using Modular.Sdk;

using Modular.Kernel.Streams;

namespace Modular.Kernel.Images;

/// <summary>
/// A <c>docker save</c> archive unpacked into a private temporary folder, because its index (manifest.json,
/// index.json) usually comes after the layers it describes and the request body can be read only once. Links inside
/// the archive (older dockers link identical layer.tar files) are kept as a table and resolved on open, never created
/// on disk, and every path is confined to the archive.
/// </summary>
internal sealed class ArchiveSpool : IDisposable
{
    private const int MaxLinkDepth = 16;
    private const long MaxMetadataBytes = 32 * 1024 * 1024;
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    private ArchiveSpool(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public static async Task<ArchiveSpool> CreateAsync(Stream archive, string parentFolder, CancellationToken cancellationToken)
    {
        var spool = new ArchiveSpool(Path.Combine(parentFolder, "load-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(spool.Folder);
        try
        {
            await using var tar = await OpenUncompressedAsync(archive, cancellationToken);
            var reader = new TarReader(tar, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                await spool.AddAsync(entry, cancellationToken);
            }
            return spool;
        }
        catch (InvalidDataException e)
        {
            spool.Dispose();
            throw DriverException.InvalidArgument($"invalid archive: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            spool.Dispose();
            throw DriverException.InvalidArgument("invalid archive: unexpected EOF (the archive is truncated)");
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    public bool Exists(string path) => _files.Contains(Resolve(path));

    public Stream Open(string path)
    {
        var resolved = Resolve(path);
        if (!_files.Contains(resolved))
        {
            throw DriverException.InvalidArgument($"invalid archive: {path} is missing");
        }
        return new FileStream(Path.Combine(Folder, resolved), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>Reads a small file (a manifest, index or config) whole.</summary>
    public byte[] ReadAll(string path)
    {
        using var stream = Open(path);
        if (stream.Length > MaxMetadataBytes)
        {
            throw DriverException.InvalidArgument($"invalid archive: {path} is too large");
        }
        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        return content;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task AddAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var path = Normalize(entry.Name, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (path.Length > 0)
                {
                    Directory.CreateDirectory(Path.Combine(Folder, path));
                }
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (path.Length == 0)
                {
                    throw DriverException.InvalidArgument($"invalid archive: bad entry name {entry.Name}");
                }
                var target = Path.Combine(Folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Delete(target);
                await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(file, cancellationToken);
                    }
                }
                _links.Remove(path);
                _files.Add(path);
                break;
            case TarEntryType.SymbolicLink:
                var parent = path.Contains('/') ? path[..path.LastIndexOf('/')] : "";
                var linkTarget = entry.LinkName.StartsWith('/') ? entry.LinkName : parent + "/" + entry.LinkName;
                _links[path] = Normalize(linkTarget, entry.Name);
                _files.Remove(path);
                break;
            case TarEntryType.HardLink:
                _links[path] = Normalize(entry.LinkName, entry.Name);
                _files.Remove(path);
                break;
        }
    }

    private string Resolve(string path)
    {
        var current = Normalize(path, path);
        for (var depth = 0; _links.TryGetValue(current, out var next); depth++)
        {
            if (depth == MaxLinkDepth)
            {
                throw DriverException.InvalidArgument($"invalid archive: too many links resolving {path}");
            }
            current = next;
        }
        return current;
    }

    /// <summary>A relative, clean path inside the archive; anything that climbs out of it is refused.</summary>
    private static string Normalize(string path, string entryName)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw DriverException.InvalidArgument($"invalid archive: {entryName} points outside the archive");
                }
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    /// <summary><c>docker load</c> accepts a gzip-compressed archive too.</summary>
    private static async Task<Stream> OpenUncompressedAsync(Stream archive, CancellationToken cancellationToken)
    {
        var head = new byte[2];
        var length = await archive.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var replayed = new PrefixedStream(head.AsMemory(0, length), archive, leaveOpen: true);
        return length == 2 && head[0] == 0x1f && head[1] == 0x8b
            ? new GZipStream(replayed, CompressionMode.Decompress)
            : replayed;
    }
}
