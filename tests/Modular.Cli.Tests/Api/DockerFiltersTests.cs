using Modular.Api.Json;
using Xunit;

namespace Modular.Cli.Tests.Api;

public sealed class DockerFiltersTests
{
    [Fact]
    public void Parses_the_map_form()
    {
        var filters = DockerFilters.Parse("""{"status":{"running":true,"exited":true},"label":{"a=b":true}}""");

        Assert.Equal(["exited", "running"], filters.Get("status"));
        Assert.Equal(["a=b"], filters.Get("label"));
    }

    [Fact]
    public void Parses_the_legacy_array_form()
    {
        var filters = DockerFilters.Parse("""{"name":["web","db"]}""");

        Assert.Equal(["db", "web"], filters.Get("name"));
        Assert.True(filters.ExactMatch("name", "web"));
        Assert.False(filters.ExactMatch("name", "cache"));
        Assert.True(filters.ExactMatch("status", "anything"));
    }

    [Fact]
    public void Serializes_as_the_map_form_and_round_trips()
    {
        var filters = new DockerFilters().AddArgument("status=exited").AddArgument("label=x=y");

        Assert.Equal("""{"label":{"x=y":true},"status":{"exited":true}}""", filters.ToJson());
        Assert.Equal(filters.ToJson(), DockerFilters.Parse(filters.ToJson()).ToJson());
    }

    [Fact]
    public void Empty_input_means_no_filters()
    {
        Assert.True(DockerFilters.Parse(null).IsEmpty);
        Assert.True(DockerFilters.Parse("").IsEmpty);
    }

    [Fact]
    public void Unknown_key_is_rejected_with_dockers_wording()
    {
        var filters = DockerFilters.Parse("""{"colour":{"red":true}}""");
        var error = Assert.Throws<FormatException>(() => filters.Validate(new HashSet<string> { "status" }));
        Assert.Equal("invalid filter 'colour'", error.Message);
    }

    [Fact]
    public void Argument_without_equals_is_rejected()
    {
        Assert.Throws<FormatException>(() => new DockerFilters().AddArgument("dangling"));
    }
}
