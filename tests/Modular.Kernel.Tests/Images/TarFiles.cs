using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Modular.Kernel.Tests.Images;

/// <summary>Builds layer tars and save archives in memory for the tests.</summary>
internal static class TarFiles
{
    /// <summary>Layers with equal files must be equal bytes (equal diff ids), as with real builds.</summary>
    private static readonly DateTimeOffset FixedTime = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A layer tar holding text files (parent folders are added as entries, as real layers have them).</summary>
    public static byte[] Layer(params (string Path, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var folders = new HashSet<string>();
            foreach (var (path, content) in files)
            {
                var parts = path.Split('/');
                for (var i = 1; i < parts.Length; i++)
                {
                    var folder = string.Join('/', parts[..i]) + "/";
                    if (folders.Add(folder))
                    {
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder) { Mode = (UnixFileMode)0x1ED, ModificationTime = FixedTime });
                    }
                }
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = (UnixFileMode)0x1A4,
                    ModificationTime = FixedTime,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                });
            }
        }
        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return buffer.ToArray();
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>An archive of files and symlinks, in the order given.</summary>
    public static byte[] Archive(params ArchiveEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                if (entry.LinkTarget is { } target)
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, entry.Name) { LinkName = target });
                }
                else
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(entry.Content!) });
                }
            }
        }
        return buffer.ToArray();
    }

    public static ArchiveEntry File(string name, byte[] content) => new(name, content, null);

    public static ArchiveEntry File(string name, string content) => new(name, Encoding.UTF8.GetBytes(content), null);

    public static ArchiveEntry Symlink(string name, string target) => new(name, null, target);

    /// <summary>A minimal image config for the given diff ids.</summary>
    public static byte[] Config(string cmd, params string[] diffIds) => Encoding.UTF8.GetBytes(
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\"," +
        $"\"config\":{{\"Cmd\":[\"{cmd}\"],\"Env\":[\"PATH=/bin\"],\"Labels\":{{\"cmd\":\"{cmd}\"}}}}," +
        $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{string.Join(",", diffIds.Select(d => $"\"{d}\""))}]}}," +
        "\"history\":[{\"created_by\":\"test\"}]}");
}

internal sealed record ArchiveEntry(string Name, byte[]? Content, string? LinkTarget);
