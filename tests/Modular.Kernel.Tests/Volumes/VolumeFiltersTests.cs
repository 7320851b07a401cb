using Modular.Kernel.Volumes;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

public sealed class VolumeFiltersTests
{
    private static readonly VolumeRecord Labelled = new()
    {
        Name = "db-data", Driver = "local", CreatedAt = DateTimeOffset.UnixEpoch,
        Labels = new Dictionary<string, string> { ["tier"] = "db", ["flag"] = "" },
    };

    [Theory]
    [InlineData("""{"name": {"data": true}}""", false, true)]
    [InlineData("""{"name": {"web": true}}""", false, false)]
    [InlineData("""{"label": {"tier": true}}""", false, true)]
    [InlineData("""{"label": {"tier=db": true}}""", false, true)]
    [InlineData("""{"label": {"tier=web": true}}""", false, false)]
    [InlineData("""{"dangling": {"true": true}}""", false, true)]
    [InlineData("""{"dangling": {"true": true}}""", true, false)]
    [InlineData("""{"dangling": {"0": true}}""", true, true)]
    [InlineData("""{"driver": {"local": true}}""", false, true)]
    [InlineData("""{"driver": {"nfs": true}}""", false, false)]
    public void ListFiltersMatchAsDocker(string json, bool inUse, bool matches) =>
        Assert.Equal(matches, VolumeFilters.ForList(json).Matches(Labelled, inUse));

    [Fact]
    public void PruneKnowsAllAndNegatedLabels()
    {
        var all = VolumeFilters.ForPrune("""{"all": {"true": true}, "label!": {"tier=db": true}}""");

        Assert.True(all.All);
        Assert.False(all.Matches(Labelled, inUse: false));
        Assert.False(VolumeFilters.ForPrune(null).All);
    }

    [Theory]
    [InlineData("""{"colour": {"red": true}}""", "invalid filter 'colour'")]
    [InlineData("""{"dangling": {"maybe": true}}""", "invalid filter 'dangling=maybe'")]
    public void UnknownKeysAndValuesAreBadRequests(string json, string message)
    {
        var error = Assert.Throws<DriverException>(() => VolumeFilters.ForList(json).Matches(Labelled, false));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }
}
