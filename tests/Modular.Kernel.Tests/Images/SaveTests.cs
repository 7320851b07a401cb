using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class SaveTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();
    private readonly ImageStoreRoot _other = new();

    public void Dispose()
    {
        _root.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task A_saved_docker_20_10_archive_loads_again_with_the_same_ids_and_has_both_layouts()
    {
        var fixture = await File.ReadAllBytesAsync(Path.Combine(FixtureFolder(), "docker-20.10-save-two-images.tar"),
            TestContext.Current.CancellationToken);
        await _root.Service.LoadAsync(new MemoryStream(fixture), TestContext.Current.CancellationToken);

        var saved = await Save("chg:1", "t:1");

        var entries = Entries(saved);
        Assert.Contains("oci-layout", entries.Keys);
        Assert.Contains("index.json", entries.Keys);
        Assert.Contains("repositories", entries.Keys);
        var manifest = JsonDocument.Parse(entries["manifest.json"]).RootElement;
        Assert.Equal(2, manifest.GetArrayLength());
        Assert.Equal("chg:1", manifest[0].GetProperty("RepoTags")[0].GetString());
        foreach (var diffId in _root.Service.Inspect("chg:1").DiffIds)
        {
            Assert.Equal(diffId, TarFiles.Digest(entries["blobs/sha256/" + diffId[7..]]));
        }
        var index = JsonDocument.Parse(entries["index.json"]).RootElement.GetProperty("manifests");
        Assert.Equal(["docker.io/library/chg:1", "docker.io/library/t:1"],
            index.EnumerateArray().Select(d => d.GetProperty("annotations").GetProperty("io.containerd.image.name").GetString()));

        var lines = await _other.Service.LoadAsync(new MemoryStream(saved), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: chg:1", "Loaded image: t:1"], lines);
        Assert.Equal(_root.Service.Resolve("chg:1"), _other.Service.Resolve("chg:1"));
        Assert.Equal(_root.Service.Resolve("t:1"), _other.Service.Resolve("t:1"));
        Assert.Equal("hello\n", _other.ReadFromImage("t:1", "etc/greeting"));
    }

    [Fact]
    public async Task The_oci_layout_alone_loads_too()
    {
        await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("a/b", "c"))), "only:oci", [], null,
            cancellationToken: TestContext.Current.CancellationToken);
        var entries = Entries(await Save("only:oci"));
        entries.Remove("manifest.json");
        entries.Remove("repositories");

        var lines = await _other.Service.LoadAsync(new MemoryStream(Archive(entries)), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: only:oci"], lines);
        Assert.Equal(_root.Service.Resolve("only:oci"), _other.Service.Resolve("only:oci"));
    }

    [Fact]
    public async Task A_committed_image_and_an_id_save_without_tags_round_trip()
    {
        var baseId = await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("etc/base", "base"))), "base", [], null,
            cancellationToken: TestContext.Current.CancellationToken);
        var layer = $"rw-{Guid.NewGuid():N}";
        _root.Driver.CreateReadWrite(layer, _root.Service.Inspect(baseId).TopLayerCacheId);
        string id;
        try
        {
            var rootfs = _root.Driver.Get(layer);
            Directory.CreateDirectory(Path.Combine(rootfs, "data"));
            await File.WriteAllTextAsync(Path.Combine(rootfs, "data", "big"), new string('z', 200_000), TestContext.Current.CancellationToken);
            File.Delete(Path.Combine(rootfs, "etc", "base"));
            _root.Driver.Put(layer);
            id = await _root.Service.CommitAsync(new ImageCommitRequest { BaseImage = baseId, LayerId = layer, Config = new ImageExecutionConfig() },
                TestContext.Current.CancellationToken);
        }
        finally
        {
            _root.Driver.Remove(layer);
        }

        var saved = await Save(id[7..19]);

        var manifest = JsonDocument.Parse(Entries(saved)["manifest.json"]).RootElement;
        Assert.Equal(JsonValueKind.Null, manifest[0].GetProperty("RepoTags").ValueKind);
        var lines = await _other.Service.LoadAsync(new MemoryStream(saved), TestContext.Current.CancellationToken);
        Assert.Equal([$"Loaded image ID: {id}"], lines);
        Assert.Equal(new string('z', 200_000), _other.ReadFromImage(id, "data/big"));
        Assert.False(File.Exists(Path.Combine(_other.Driver.Get(_other.Service.Inspect(id).TopLayerCacheId!), "etc", "base")));
        _other.Driver.Put(_other.Service.Inspect(id).TopLayerCacheId!);
    }

    [Fact]
    public async Task A_missing_name_fails_before_anything_is_written()
    {
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<DriverException>(() =>
            _root.Service.SaveAsync(["nothing:here"], output, TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal(0, output.Length);
    }

    private async Task<byte[]> Save(params string[] names)
    {
        using var output = new MemoryStream();
        await _root.Service.SaveAsync(names, output, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    private static Dictionary<string, byte[]> Entries(byte[] archive)
    {
        var entries = new Dictionary<string, byte[]>();
        using var reader = new TarReader(new MemoryStream(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                entries[entry.Name] = copy.ToArray();
            }
        }
        return entries;
    }

    private static byte[] Archive(Dictionary<string, byte[]> entries) =>
        TarFiles.Archive(entries.Select(pair => TarFiles.File(pair.Key, pair.Value)).ToArray());

    private static string FixtureFolder([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Fixtures");
}
