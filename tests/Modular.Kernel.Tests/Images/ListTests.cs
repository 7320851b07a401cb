using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class ListTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    private async Task<string> Import(string? reference, string content, params string[] changes)
    {
        var id = await _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", content))), reference, changes, null, cancellationToken: TestContext.Current.CancellationToken);
        // Created has a resolution of one second in before/since comparisons as Docker shows it; keep images apart.
        await Task.Delay(20, TestContext.Current.CancellationToken);
        return id;
    }

    private static Dictionary<string, IReadOnlyList<string>> Filter(string key, params string[] values) => new() { [key] = values };

    [Fact]
    public async Task Lists_newest_first_with_tags_labels_and_filters()
    {
        var old = await Import("web:1", "one", "LABEL tier=front");
        var mid = await Import("myreg:5000/team/db:2", "two", "LABEL tier=back", "LABEL backup=yes");
        var dangling = await Import(null, "three");

        var all = _root.Service.List();
        Assert.Equal([dangling, mid, old], all.Select(image => image.Id));
        var web = all.Single(image => image.Id == old);
        Assert.Equal(["web:1"], web.RepoTags);
        Assert.Empty(web.RepoDigests);
        Assert.Equal("front", web.Labels["tier"]);
        Assert.Equal(3, web.Size);
        Assert.Equal(-1, web.Containers);
        Assert.Empty(all.Single(image => image.Id == dangling).RepoTags);

        Assert.Equal([dangling], _root.Service.List(filters: Filter("dangling", "true")).Select(image => image.Id));
        Assert.Equal([mid, old], _root.Service.List(filters: Filter("dangling", "false")).Select(image => image.Id));
        Assert.Equal([mid, old], _root.Service.List(filters: Filter("label", "tier")).Select(image => image.Id));
        Assert.Equal([mid], _root.Service.List(filters: Filter("label", "tier=back", "backup")).Select(image => image.Id));
        Assert.Equal([old], _root.Service.List(filters: Filter("reference", "web")).Select(image => image.Id));
        Assert.Equal([mid], _root.Service.List(filters: Filter("reference", "myreg:5000/*/db:*")).Select(image => image.Id));
        Assert.DoesNotContain(_root.Service.List(filters: Filter("reference", "*")), image => image.Id == mid);
        Assert.Equal([old], _root.Service.List(filters: Filter("before", "myreg:5000/team/db:2")).Select(image => image.Id));
        Assert.Equal([dangling, mid], _root.Service.List(filters: Filter("since", old[7..19])).Select(image => image.Id));
    }

    [Fact]
    public async Task The_reference_filter_shows_only_the_matching_tags()
    {
        var id = await Import("app:1", "x");
        _root.Service.Tag("app:1", "app:2");
        _root.Service.Tag("app:1", "other:1");

        var listed = Assert.Single(_root.Service.List(filters: Filter("reference", "app:*")));

        Assert.Equal(id, listed.Id);
        Assert.Equal(["app:1", "app:2"], listed.RepoTags);
    }

    [Theory]
    [InlineData("color", "invalid filter 'color'")]
    [InlineData("dangling", "invalid filter 'dangling=maybe'")]
    [InlineData("reference", "syntax error in pattern")]
    public void Rejects_bad_filters(string key, string message)
    {
        var value = key switch { "dangling" => "maybe", "reference" => "[", _ => "x" };

        var error = Assert.Throws<DriverException>(() => _root.Service.List(filters: Filter(key, value)));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }
}
