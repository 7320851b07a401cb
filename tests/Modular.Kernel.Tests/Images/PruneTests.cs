using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class PruneTests : IDisposable
{
    private static readonly Func<string, ImageUser?> Unused = _ => null;
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoFilters = new Dictionary<string, IReadOnlyList<string>>();
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task By_default_only_dangling_images_go_and_shared_layers_stay()
    {
        var shared = TarFiles.Layer(("shared", new string('s', 1000)));
        var kept = await Import(shared, "kept:1", "a");
        var dangling = await Import(shared, "moved:1", "b");
        await Import(shared, "moved:1", "c");

        var report = _root.Service.Prune(NoFilters, Unused);

        Assert.Contains(report.Deleted, i => i.Deleted == dangling);
        Assert.Equal(0, report.SpaceReclaimed);
        Assert.Equal(2, _root.Service.All().Count);
        Assert.Equal(kept, _root.Service.Resolve("kept:1"));
        Assert.Single(_root.LayerRecords());
    }

    [Fact]
    public async Task Dangling_false_removes_every_unused_image_but_not_one_a_container_uses()
    {
        var used = await Import(TarFiles.Layer(("u", "used")), "used:1", "u");
        await Import(TarFiles.Layer(("x", new string('x', 5000))), "unused:1", "x");

        var report = _root.Service.Prune(Filters("dangling", "false"), id => id == used ? new ImageUser("c0ffee00c0ffee00", false) : null);

        Assert.Contains(report.Deleted, i => i.Untagged == "unused:1");
        Assert.Equal(5000, report.SpaceReclaimed);
        Assert.Equal([used], _root.Service.All().Select(i => i.Id));
    }

    [Fact]
    public async Task Label_filters_choose_and_unknown_filters_are_refused()
    {
        await Import(TarFiles.Layer(("a", "1")), "keep:1", "a", "LABEL keep=yes");
        await Import(TarFiles.Layer(("b", "2")), "drop:1", "b");

        var report = _root.Service.Prune(new Dictionary<string, IReadOnlyList<string>>
        {
            ["dangling"] = ["false"],
            ["label!"] = ["keep=yes"],
        }, Unused);

        Assert.Contains(report.Deleted, i => i.Untagged == "drop:1");
        Assert.Equal(["keep:1"], _root.Service.All().SelectMany(i => i.RepoTags));
        var error = Assert.Throws<DriverException>(() => _root.Service.Prune(Filters("bogus", "1"), Unused));
        Assert.Equal("invalid filter 'bogus'", error.Message);
    }

    private static Dictionary<string, IReadOnlyList<string>> Filters(string key, string value) => new() { [key] = [value] };

    private async Task<string> Import(byte[] layer, string tag, string message, params string[] changes) =>
        await _root.Service.ImportAsync(new MemoryStream(layer), tag, changes, message, cancellationToken: TestContext.Current.CancellationToken);
}
