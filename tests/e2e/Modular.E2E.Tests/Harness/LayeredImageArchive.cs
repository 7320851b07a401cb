using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Modular.E2E.Tests.Harness;

/// <summary>One regular file a layer adds or overwrites: its path inside the image, its bytes, its permission bits.</summary>
public sealed record LayerFile(string Path, byte[] Content, UnixFileMode Mode)
{
    public static LayerFile Text(string path, string text) =>
        new(path, Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
}

/// <summary>
/// Writes a <c>docker save</c> archive (legacy layout: manifest.json, repositories, &lt;v1 id&gt;/layer.tar) of an image
/// whose layers hold exactly the files a test names, with the Cmd it names: for images whose content a container must
/// show, where <see cref="SavedImageArchive"/>'s random bytes would not do.
/// </summary>
public static class LayeredImageArchive
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Writes the archive to <paramref name="path"/>: <paramref name="layers"/> bottom first, tagged <paramref name="tag"/>.</summary>
    public static void Write(string path, string tag, IReadOnlyList<IReadOnlyList<LayerFile>> layers, IReadOnlyList<string> cmd)
    {
        var diffIds = new List<string>();
        var layerPaths = new List<string>();
        string? parent = null;
        using var output = File.Create(path);
        using var archive = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var layer in layers)
        {
            var layerTar = LayerTar(layer);
            var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layerTar));
            var v1Id = Sha256Hex($"{parent} {diffId}");
            AddBytes(archive, $"{v1Id}/VERSION", Encoding.UTF8.GetBytes("1.0"));
            AddBytes(archive, $"{v1Id}/json", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = v1Id, parent })));
            AddBytes(archive, $"{v1Id}/layer.tar", layerTar);
            diffIds.Add(diffId);
            layerPaths.Add($"{v1Id}/layer.tar");
            parent = v1Id;
        }

        var config = JsonSerializer.Serialize(new
        {
            architecture = "amd64",
            os = "linux",
            created = "2026-01-01T00:00:00Z",
            config = new { Cmd = cmd },
            rootfs = new { type = "layers", diff_ids = diffIds },
            history = diffIds.Select((_, index) => new { created = "2026-01-01T00:00:00Z", created_by = $"layer {index}" }),
        });
        var configName = Sha256Hex(config) + ".json";
        AddBytes(archive, configName, Encoding.UTF8.GetBytes(config));
        AddBytes(archive, "manifest.json", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[]
        {
            new { Config = configName, RepoTags = new[] { tag }, Layers = layerPaths },
        })));
        var colon = tag.LastIndexOf(':');
        var (repository, tagName) = colon > tag.LastIndexOf('/') ? (tag[..colon], tag[(colon + 1)..]) : (tag, "latest");
        AddBytes(archive, "repositories", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
            new Dictionary<string, Dictionary<string, string>> { [repository] = new() { [tagName] = parent! } })));
    }

    /// <summary>The layer's tar: each file preceded by its parent folders, as a build records them.</summary>
    private static byte[] LayerTar(IReadOnlyList<LayerFile> files)
    {
        using var buffer = new MemoryStream();
        using (var layer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var relative = file.Path.TrimStart('/');
                var segments = relative.Split('/');
                for (var depth = 1; depth < segments.Length; depth++)
                {
                    var folder = string.Join('/', segments[..depth]) + "/";
                    if (written.Add(folder))
                    {
                        layer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, folder) { Mode = DirectoryMode });
                    }
                }
                layer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, relative)
                {
                    DataStream = new MemoryStream(file.Content),
                    Mode = file.Mode,
                });
            }
        }
        return buffer.ToArray();
    }

    private static void AddBytes(TarWriter archive, string name, byte[] content)
    {
        archive.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        });
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
