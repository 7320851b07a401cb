using System.Security.Cryptography;
using System.Text;

namespace Modular.Kernel.Build;

/// <summary>
/// The content checksum of COPY/ADD sources as the cache needs it: names, types, modes, link targets and contents;
/// not modification times (as Docker's tarsum, so touching a file keeps the cache). The history text carries it as
/// <c>file:&lt;hex&gt;</c>, <c>dir:&lt;hex&gt;</c> or, for several sources, <c>multi:&lt;hex&gt;</c>.
/// </summary>
public static class SourceChecksum
{
    public static string Of(IReadOnlyList<CopySource> sources)
    {
        var hashes = sources.Select(source => (Prefix(source), Hash(source))).ToList();
        if (hashes.Count == 1)
        {
            return $"{hashes[0].Item1}:{hashes[0].Item2}";
        }
        var combined = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", hashes.Select(h => $"{h.Item1}:{h.Item2}"))));
        return "multi:" + Convert.ToHexStringLower(combined);
    }

    private static string Prefix(CopySource source) => source is CopySource.Directory ? "dir" : "file";

    private static string Hash(CopySource source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        switch (source)
        {
            case CopySource.File file:
                AddFile(hash, file.HostPath, Path.GetFileName(file.Target));
                break;
            case CopySource.Archive archive:
                AddFile(hash, archive.HostPath, Path.GetFileName(archive.HostPath));
                break;
            case CopySource.Symlink link:
                Add(hash, $"link {Path.GetFileName(link.Target)} {link.LinkTarget}\n");
                break;
            case CopySource.Content content:
                Add(hash, $"content {Path.GetFileName(content.Target)} {(int)content.Mode}\n");
                hash.AppendData(content.Bytes);
                break;
            case CopySource.Directory directory:
                AddDirectory(hash, directory.HostPath, "");
                break;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AddDirectory(IncrementalHash hash, string hostPath, string relative)
    {
        Add(hash, $"dir {relative} {ModeOf(hostPath)}\n");
        foreach (var entry in new DirectoryInfo(hostPath).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (entry.LinkTarget is { } target)
            {
                Add(hash, $"link {name} {target}\n");
            }
            else if (entry is DirectoryInfo)
            {
                AddDirectory(hash, entry.FullName, name);
            }
            else
            {
                AddFile(hash, entry.FullName, name);
            }
        }
    }

    private static void AddFile(IncrementalHash hash, string hostPath, string name)
    {
        var info = new FileInfo(hostPath);
        Add(hash, $"file {name} {ModeOf(hostPath)} {info.Length}\n");
        // One pooled buffer and an unbuffered handle: a COPY of hundreds of small files is checksummed on every build.
        using var handle = File.OpenHandle(hostPath);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65536);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ModeOf(string path) => (int)File.GetUnixFileMode(path);

    private static void Add(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));
}
