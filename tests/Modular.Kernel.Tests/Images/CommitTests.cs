using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class CommitTests : IDisposable
{
    private static readonly Func<string, ImageUser?> Unused = _ => null;
    private readonly ImageStoreRoot _root = new();
    private readonly List<string> _writableLayers = [];

    public void Dispose()
    {
        foreach (var layer in _writableLayers.Where(_root.Driver.Exists))
        {
            _root.Driver.Remove(layer);
        }
        _root.Dispose();
    }

    [Fact]
    public async Task Commit_stacks_the_writable_layers_changes_on_the_base_image_with_a_history_entry()
    {
        var baseId = await ImportBase();
        var layer = WritableLayerOn(baseId, ("etc/added", "new"), ("etc/base", "changed"));

        var id = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = "base",
            LayerId = layer,
            Config = new ImageExecutionConfig { Cmd = ["/bin/sh"], Env = ["A=1"] },
            Reference = "committed",
            CreatedBy = "sh -c echo",
            Comment = "my message",
            Author = "me <me@example.com>",
        }, TestContext.Current.CancellationToken);

        var image = _root.Service.Inspect("committed:latest");
        var baseImage = _root.Service.Inspect(baseId);
        Assert.Equal(id, image.Id);
        Assert.Equal(2, image.DiffIds.Count);
        Assert.Equal(baseImage.DiffIds[0], image.DiffIds[0]);
        Assert.Equal(baseId, image.ParentId);
        Assert.Equal(["/bin/sh"], image.Config.Cmd);
        Assert.Equal("me <me@example.com>", image.ConfigFile.Author);
        var entry = image.ConfigFile.History[^1];
        Assert.Equal(2, image.ConfigFile.History.Count);
        Assert.Equal(("sh -c echo", "my message", "me <me@example.com>", false), (entry.CreatedBy, entry.Comment, entry.Author, entry.EmptyLayer));
        Assert.Equal("new", _root.ReadFromImage(id, "/etc/added"));
        Assert.Equal("changed", _root.ReadFromImage(id, "/etc/base"));
        Assert.Equal("base", _root.ReadFromImage(baseId, "/etc/base"));
    }

    [Fact]
    public async Task An_empty_diff_still_makes_a_new_image_with_an_empty_layer_history_entry()
    {
        var baseId = await ImportBase();
        var layer = WritableLayerOn(baseId);

        var id = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = baseId,
            LayerId = layer,
            Config = new ImageExecutionConfig { Cmd = ["true"] },
        }, TestContext.Current.CancellationToken);

        var image = _root.Service.Inspect(id);
        Assert.NotEqual(baseId, id);
        Assert.Equal(_root.Service.Inspect(baseId).DiffIds, image.DiffIds);
        Assert.True(image.ConfigFile.History[^1].EmptyLayer);
        Assert.Equal(_root.Service.Inspect(baseId).TopLayerCacheId, image.TopLayerCacheId);
        Assert.Single(_root.LayerRecords());
    }

    [Fact]
    public async Task A_commit_from_scratch_has_one_layer_and_no_parent()
    {
        var layer = $"rw-{Guid.NewGuid():N}";
        _root.Driver.CreateReadWrite(layer, null);
        _writableLayers.Add(layer);
        WriteFiles(layer, ("hello", "world"));

        var id = await _root.Service.CommitAsync(new ImageCommitRequest { LayerId = layer, Config = new ImageExecutionConfig() },
            TestContext.Current.CancellationToken);

        var image = _root.Service.Inspect(id);
        Assert.Single(image.DiffIds);
        Assert.Equal("", image.ParentId);
        Assert.Equal("world", _root.ReadFromImage(id, "/hello"));
    }

    [Fact]
    public async Task The_parent_survives_a_restart_and_deleting_the_child_prunes_an_untagged_parent()
    {
        var baseId = await ImportBase();
        var middle = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = baseId, LayerId = WritableLayerOn(baseId, ("m", "1")), Config = new ImageExecutionConfig(),
        }, TestContext.Current.CancellationToken);
        var top = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = middle, LayerId = WritableLayerOn(middle, ("t", "2")), Config = new ImageExecutionConfig(), Reference = "top:1",
        }, TestContext.Current.CancellationToken);
        foreach (var layer in _writableLayers)
        {
            _root.Driver.Remove(layer);
        }
        _writableLayers.Clear();

        _root.Restart();

        Assert.Equal(middle, _root.Service.Inspect(top).ParentId);
        var conflict = Assert.Throws<DriverException>(() => _root.Service.Delete(middle, force: true, prune: true, Unused));
        Assert.Equal(DriverErrorKind.Conflict, conflict.Kind);
        Assert.Contains("image has dependent child images", conflict.Message);

        var items = _root.Service.Delete("top:1", force: false, prune: true, Unused);

        Assert.Equal(["top:1"], items.Where(i => i.Untagged is not null).Select(i => i.Untagged));
        Assert.Contains(items, i => i.Deleted == top);
        Assert.Contains(items, i => i.Deleted == middle);
        Assert.DoesNotContain(items, i => i.Deleted == baseId);
        Assert.Equal(baseId, _root.Service.Resolve("base"));
        Assert.Single(_root.LayerRecords());
    }

    [Fact]
    public async Task An_untagged_parent_is_an_intermediate_image_listed_only_with_all_and_a_descendant_for_ancestor_filters()
    {
        var baseId = await ImportBase();
        var middle = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = baseId, LayerId = WritableLayerOn(baseId, ("m", "1")), Config = new ImageExecutionConfig(),
        }, TestContext.Current.CancellationToken);
        var top = await _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = middle, LayerId = WritableLayerOn(middle, ("t", "2")), Config = new ImageExecutionConfig(), Reference = "top",
        }, TestContext.Current.CancellationToken);
        var dangling = new Dictionary<string, IReadOnlyList<string>> { ["dangling"] = ["true"] };

        Assert.DoesNotContain(middle, _root.Service.List().Select(i => i.Id));
        Assert.Contains(middle, _root.Service.List(all: true).Select(i => i.Id));
        Assert.Empty(_root.Service.List(all: true, dangling));
        Assert.Equal([baseId, middle, top], _root.Service.IdsMatching("base"));
        var history = _root.Service.History("top");
        Assert.Equal([top, middle, baseId], history.Select(row => row.Id));
        Assert.Equal(["top:latest"], history[0].Tags);
        Assert.Equal([1L, 1L, 4L], history.Select(row => row.Size));
    }

    [Fact]
    public async Task A_digest_reference_is_refused_before_anything_is_stored()
    {
        var baseId = await ImportBase();

        var error = await Assert.ThrowsAsync<DriverException>(() => _root.Service.CommitAsync(new ImageCommitRequest
        {
            BaseImage = baseId, LayerId = WritableLayerOn(baseId, ("x", "y")), Config = new ImageExecutionConfig(),
            Reference = "x@sha256:" + new string('a', 64),
        }, TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Single(_root.Service.All());
        Assert.Single(_root.LayerRecords());
    }

    [Fact]
    public void The_commit_config_applies_changes_and_fills_gaps_from_the_container_as_moby_does()
    {
        var container = new Modular.Api.Models.ContainerConfig
        {
            User = "daemon",
            Env = ["PATH=/bin", "A=container"],
            Cmd = ["sh", "-c", "run"],
            WorkingDir = "/w",
            Labels = new Dictionary<string, string> { ["from"] = "container", ["both"] = "container" },
        };

        var config = CommitConfig.Build(container, null, ["ENV A=changed B=2", "LABEL both=change", "CMD [\"/bin/new\"]", "EXPOSE 80"]);

        Assert.Equal(["PATH=/bin", "A=changed", "B=2"], config.Env);
        Assert.Equal(["/bin/new"], config.Cmd);
        Assert.Equal("daemon", config.User);
        Assert.Equal("/w", config.WorkingDir);
        Assert.Equal(["80/tcp"], config.ExposedPorts);
        Assert.Equal(new Dictionary<string, string> { ["from"] = "container", ["both"] = "change" }, config.Labels);
    }

    private async Task<string> ImportBase() =>
        await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("etc/base", "base"))), "base", [], null,
            cancellationToken: TestContext.Current.CancellationToken);

    private string WritableLayerOn(string imageId, params (string Path, string Content)[] files)
    {
        var layer = $"rw-{Guid.NewGuid():N}";
        _root.Driver.CreateReadWrite(layer, _root.Service.Inspect(imageId).TopLayerCacheId);
        _writableLayers.Add(layer);
        WriteFiles(layer, files);
        return layer;
    }

    private void WriteFiles(string layer, params (string Path, string Content)[] files)
    {
        var root = _root.Driver.Get(layer);
        try
        {
            foreach (var (path, content) in files)
            {
                var target = Path.Combine(root, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, content);
            }
        }
        finally
        {
            _root.Driver.Put(layer);
        }
    }
}
