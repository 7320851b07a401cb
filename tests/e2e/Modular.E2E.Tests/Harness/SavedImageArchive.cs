using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// Writes a <c>docker save</c> archive in the legacy layout (manifest.json, repositories, &lt;v1 id&gt;/layer.tar) of an
/// image whose every layer adds one file of random bytes: incompressible, and large enough to take measurable time
/// to apply.
/// </summary>
public static class SavedImageArchive
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Writes the archive to <paramref name="path"/>; returns the total bytes of the layer files in it.</summary>
    public static long Write(string path, string tag, int layerCount, long bytesPerLayer)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var diffIds = new List<string>();
        var layerPaths = new List<string>();
        string? parent = null;
        using var output = File.Create(path);
        using var archive = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true);
        for (var index = 0; index < layerCount; index++)
        {
            var layerFile = Path.Combine(folder, $".layer-{index}-{Guid.NewGuid():N}.tar");
            try
            {
                WriteRandomLayer(layerFile, $"data/layer{index}.bin", bytesPerLayer);
                var diffId = "sha256:" + HashFile(layerFile);
                var v1Id = Sha256Hex($"{parent} {diffId}");
                AddText(archive, $"{v1Id}/VERSION", "1.0");
                AddText(archive, $"{v1Id}/json", JsonSerializer.Serialize(new { id = v1Id, parent }));
                archive.WriteEntry(layerFile, $"{v1Id}/layer.tar");
                diffIds.Add(diffId);
                layerPaths.Add($"{v1Id}/layer.tar");
                parent = v1Id;
            }
            finally
            {
                File.Delete(layerFile);
            }
        }

        var config = JsonSerializer.Serialize(new
        {
            architecture = "amd64",
            os = "linux",
            created = "2026-01-01T00:00:00Z",
            config = new { Cmd = new[] { "/bin/true" } },
            rootfs = new { type = "layers", diff_ids = diffIds },
            history = diffIds.Select((_, index) => new { created = "2026-01-01T00:00:00Z", created_by = $"random layer {index}" }),
        });
        var configName = Sha256Hex(config) + ".json";
        AddText(archive, configName, config);
        AddText(archive, "manifest.json", JsonSerializer.Serialize(new[]
        {
            new { Config = configName, RepoTags = new[] { tag }, Layers = layerPaths },
        }));
        var (repository, tagName) = SplitTag(tag);
        AddText(archive, "repositories", JsonSerializer.Serialize(
            new Dictionary<string, Dictionary<string, string>> { [repository] = new() { [tagName] = parent! } }));
        return layerCount * bytesPerLayer;
    }

    private static void WriteRandomLayer(string layerFile, string entryName, long bytes)
    {
        var content = Path.Combine(Path.GetDirectoryName(layerFile)!, Path.GetFileName(layerFile) + ".content");
        try
        {
            using (var stream = File.Create(content))
            {
                var chunk = new byte[ChunkBytes];
                for (var written = 0L; written < bytes; written += chunk.Length)
                {
                    RandomNumberGenerator.Fill(chunk);
                    stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
                }
            }
            using var output = File.Create(layerFile);
            using var layer = new TarWriter(output, TarEntryFormat.Ustar);
            layer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "data/") { Mode = (UnixFileMode)0b111_101_101 });
            layer.WriteEntry(content, entryName);
        }
        finally
        {
            File.Delete(content);
        }
    }

    private static void AddText(TarWriter archive, string name, string text)
    {
        archive.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
            Mode = (UnixFileMode)0b110_100_100,
        });
    }

    private static (string Repository, string Tag) SplitTag(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
