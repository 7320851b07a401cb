using Xunit;
using Modular.Kernel.Images;

namespace Modular.Kernel.Tests.Images;

public sealed class RestartTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_new_service_on_the_same_data_root_sees_the_same_images_and_tags()
    {
        var id = await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("etc/hostname", "box"))), "keep:1",
            ["CMD [\"/bin/sh\"]"], null, cancellationToken: TestContext.Current.CancellationToken);
        _root.Service.Tag(id, "keep:2");
        var before = _root.Service.Inspect(id);

        _root.Restart();

        var after = _root.Service.Inspect("keep:2");
        Assert.Equal(id, after.Id);
        Assert.Equal(["keep:1", "keep:2"], after.RepoTags);
        Assert.Equal(before.TopLayerCacheId, after.TopLayerCacheId);
        Assert.Equal(before.Size, after.Size);
        Assert.Equal(["/bin/sh"], after.Config.Cmd);
        Assert.NotNull(after.LastTagTime);
        Assert.Equal("box", _root.ReadFromImage("keep:1", "etc/hostname"));
    }

    [Fact]
    public async Task A_layer_left_half_written_by_a_killed_daemon_is_removed_at_start()
    {
        await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", "valid"))), "valid", [], null, cancellationToken: TestContext.Current.CancellationToken);
        var valid = Assert.Single(_root.DriverLayers());
        // What a daemon killed during ApplyDiff leaves: the layer announced as pending, created in the driver, partly
        // filled, and no layer record.
        var orphan = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        File.WriteAllBytes(Path.Combine(_root.ImageFolder, "layerdb", "pending", orphan), []);
        _root.Driver.Create(orphan, null);
        var orphanRoot = _root.Driver.Get(orphan);
        File.WriteAllText(Path.Combine(orphanRoot, "partial"), "half");
        _root.Driver.Put(orphan);

        _root.Restart();

        Assert.Equal([valid], _root.DriverLayers());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.ImageFolder, "layerdb", "pending")));
        Assert.Equal("valid", _root.ReadFromImage("valid", "f"));
    }

    [Fact]
    public async Task A_tag_or_image_whose_files_went_missing_is_dropped_at_start_instead_of_failing()
    {
        var id = await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", "gone"))), "gone", [], null, cancellationToken: TestContext.Current.CancellationToken);
        File.Delete(Path.Combine(_root.ImageFolder, "layerdb", "sha256", _root.Service.Inspect(id).DiffIds[0][7..] + ".json"));

        _root.Restart();

        Assert.Empty(_root.Service.List());
        Assert.Equal("No such image: gone:latest", Assert.Throws<Modular.Sdk.DriverException>(() => _root.Service.Inspect("gone")).Message);
    }

    [Fact]
    public async Task Concurrent_imports_of_the_same_content_end_with_one_layer_and_consistent_state()
    {
        var layer = TarFiles.Layer(("f", new string('c', 200_000)));

        var ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _root.Service.ImportAsync(new MemoryStream(layer), $"same:{i}", [], $"import {i}", cancellationToken: TestContext.Current.CancellationToken)));

        Assert.Equal(6, ids.Distinct().Count());
        Assert.Single(_root.DriverLayers());
        Assert.Single(_root.LayerRecords());
        await Task.WhenAll(ids.Select((id, i) => Task.Run(() => _root.Service.Delete($"same:{i}", false, true, _ => null))));
        Assert.Empty(_root.Service.List());
        Assert.Empty(_root.DriverLayers());
        _root.Restart();
        Assert.Empty(_root.Service.List());
    }
}
