using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class DeleteTests : IDisposable
{
    private const string ContainerId = "441492a4c4c4de1959402e906a06cad119972012c472f3b5e24de85ca6d3740b";
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static ImageUser? Unused(string imageId) => null;

    private async Task<string> Import(string? reference, string content = "x") =>
        await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", content))), reference, [], null, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Removing_a_name_untags_and_the_last_name_deletes_the_image_and_its_layer()
    {
        var id = await Import("busybox");
        _root.Service.Tag("busybox", "other:2");
        var chainId = _root.Service.Inspect(id).DiffIds[0];

        var untagged = _root.Service.Delete("busybox", force: false, prune: true, Unused);
        var deleted = _root.Service.Delete("other:2", force: false, prune: true, Unused);

        Assert.Equal([new ImageDeleteItem("busybox:latest", null)], untagged);
        Assert.Equal([new ImageDeleteItem("other:2", null), new ImageDeleteItem(null, id), new ImageDeleteItem(null, chainId)], deleted);
        Assert.Empty(_root.DriverLayers());
        Assert.Empty(_root.LayerRecords());
        var error = Assert.Throws<DriverException>(() => _root.Service.Inspect("busybox"));
        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal("No such image: busybox:latest", error.Message);
    }

    [Fact]
    public async Task Deleting_by_id_an_image_in_several_repositories_needs_force()
    {
        var id = await Import("a:1");
        _root.Service.Tag(id, "b:1");
        var shortId = id[7..19];

        var error = Assert.Throws<DriverException>(() => _root.Service.Delete(shortId[..4], force: false, prune: true, Unused));
        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Equal($"conflict: unable to delete {shortId} (must be forced) - image is referenced in multiple repositories", error.Message);

        var forced = _root.Service.Delete(shortId[..4], force: true, prune: true, Unused);
        Assert.Equal(["a:1", "b:1"], forced.Where(item => item.Untagged is not null).Select(item => item.Untagged));
        Assert.Contains(new ImageDeleteItem(null, id), forced);
    }

    [Fact]
    public async Task Deleting_by_id_an_image_with_tags_of_one_repository_untags_then_deletes()
    {
        var id = await Import("solo:1");

        var items = _root.Service.Delete(id, force: false, prune: true, Unused);

        Assert.Equal(new ImageDeleteItem("solo:1", null), items[0]);
        Assert.Equal(new ImageDeleteItem(null, id), items[1]);
    }

    [Fact]
    public async Task A_container_blocks_removal_with_dockers_messages()
    {
        var id = await Import("busybox");
        var shortId = id[7..19];
        ImageUser? Stopped(string imageId) => imageId == id ? new ImageUser(ContainerId, Running: false) : null;
        ImageUser? Running(string imageId) => imageId == id ? new ImageUser(ContainerId, Running: true) : null;

        var byName = Assert.Throws<DriverException>(() => _root.Service.Delete("busybox", false, true, Stopped));
        Assert.Equal($"conflict: unable to remove repository reference \"busybox\" (must force) - container 441492a4c4c4 is using its referenced image {shortId}", byName.Message);
        var byIdStopped = Assert.Throws<DriverException>(() => _root.Service.Delete(id, false, true, Stopped));
        Assert.Equal($"conflict: unable to delete {shortId} (must be forced) - image is being used by stopped container 441492a4c4c4", byIdStopped.Message);
        var byIdRunning = Assert.Throws<DriverException>(() => _root.Service.Delete(id, true, true, Running));
        Assert.Equal(DriverErrorKind.Conflict, byIdRunning.Kind);
        Assert.Equal($"conflict: unable to delete {shortId} (cannot be forced) - image is being used by running container 441492a4c4c4", byIdRunning.Message);
        Assert.Equal(["busybox:latest"], _root.Service.Inspect(id).RepoTags);

        var forcedByName = _root.Service.Delete("busybox", true, true, Running);
        Assert.Equal([new ImageDeleteItem("busybox:latest", null)], forcedByName);
        Assert.Empty(_root.Service.Inspect(id).RepoTags);

        var forcedStopped = _root.Service.Delete(id, true, true, Stopped);
        Assert.Equal([new ImageDeleteItem(null, id)], forcedStopped);
        Assert.Single(_root.DriverLayers());

        var layer = Assert.Single(_root.DriverLayers());
        Assert.Empty(_root.Service.RemoveUnusedLayers(new HashSet<string> { layer }));
        Assert.Single(_root.Service.RemoveUnusedLayers(new HashSet<string>()));
        Assert.Empty(_root.DriverLayers());
    }

    [Fact]
    public async Task A_layer_shared_with_another_image_survives_the_delete()
    {
        var first = await Import("first", "shared");
        await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", "shared"))), "second", [], "other message", cancellationToken: TestContext.Current.CancellationToken);

        var items = _root.Service.Delete("first", false, true, Unused);

        Assert.Equal([new ImageDeleteItem("first:latest", null), new ImageDeleteItem(null, first)], items);
        Assert.Single(_root.DriverLayers());
        Assert.Equal("shared", _root.ReadFromImage("second", "f"));
    }

    [Fact]
    public async Task Tag_validates_the_target_and_finds_the_source()
    {
        var id = await Import(null);

        _root.Service.Tag(id[7..15], "myreg:5000/team/app");
        Assert.Equal(["myreg:5000/team/app:latest"], _root.Service.Inspect(id).RepoTags);
        Assert.Equal("refusing to create a tag with a digest reference",
            Assert.Throws<DriverException>(() => _root.Service.Tag(id, "a@sha256:" + new string('a', 64))).Message);
        Assert.Equal("invalid reference format: repository name (library/Busybox) must be lowercase",
            Assert.Throws<DriverException>(() => _root.Service.Tag(id, "Busybox")).Message);
        var missing = Assert.Throws<DriverException>(() => _root.Service.Tag("nope", "x"));
        Assert.Equal(DriverErrorKind.NotFound, missing.Kind);
        Assert.Equal("No such image: nope:latest", missing.Message);
    }

    [Fact]
    public async Task Resolves_every_form_a_user_may_type()
    {
        var id = await Import("busybox:1.36");
        var hex = id[7..];

        Assert.Equal(id, _root.Service.Resolve(id));
        Assert.Equal(id, _root.Service.Resolve(hex));
        Assert.Equal(id, _root.Service.Resolve(hex[..1]));
        Assert.Equal(id, _root.Service.Resolve("sha256:" + hex[..5]));
        Assert.Equal(id, _root.Service.Resolve("busybox:1.36"));
        Assert.Equal(id, _root.Service.Resolve("docker.io/library/busybox:1.36"));
        Assert.Equal("No such image: busybox:latest", Assert.Throws<DriverException>(() => _root.Service.Resolve("busybox")).Message);
        Assert.Equal($"No such image: sha256:{new string('0', 64)}",
            Assert.Throws<DriverException>(() => _root.Service.Resolve($"sha256:{new string('0', 64)}")).Message);
        Assert.Equal(DriverErrorKind.InvalidArgument, Assert.Throws<DriverException>(() => _root.Service.Resolve("Bad Name")).Kind);
    }
}
