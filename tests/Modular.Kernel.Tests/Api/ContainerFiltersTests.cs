using Modular.Kernel.Api;
using Modular.Kernel.Containers;
using Modular.Kernel.Tests.Containers;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Api;

public sealed class ContainerFiltersTests : IDisposable
{
    private readonly TempFolder _dataRoot = new("filters");
    private readonly ContainerStore _store;
    private readonly Container _web;
    private readonly Container _db;
    private readonly Container _job;

    public ContainerFiltersTests()
    {
        _store = new ContainerStore(_dataRoot.Path);
        _web = Add("aa11", "web", ContainerStatus.Running, 0, new() { ["tier"] = "front", ["env"] = "prod" }, 1, "bridge", "sha256:img1");
        _db = Add("bb22", "db", ContainerStatus.Exited, 3, new() { ["tier"] = "back" }, 2, "host", "sha256:img2");
        _job = Add("aa33", "job", ContainerStatus.Created, 0, [], 3, "none", "sha256:img1");
    }

    public void Dispose() => _dataRoot.Dispose();

    private Container Add(string idPrefix, string name, ContainerStatus status, int exitCode, Dictionary<string, string> labels, int minute, string network, string image)
    {
        var container = SampleContainers.New(SampleContainers.IdStartingWith(idPrefix), name, status, exitCode, labels,
            DateTimeOffset.UnixEpoch.AddMinutes(minute), network, image);
        _store.Add(container);
        return container;
    }

    private string[] Matching(string json)
    {
        var filters = new ContainerFilters(json, _store, reference => reference == "busybox" ? ["sha256:img1"] : []);
        return new[] { _web, _db, _job }.Where(filters.Matches).Select(c => c.Name).ToArray();
    }

    private static string Refusal(string json, ContainerStore store)
    {
        var error = Assert.Throws<DriverException>(() => new ContainerFilters(json, store, _ => []));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        return error.Message;
    }

    [Fact]
    public void No_filters_match_everything() =>
        Assert.Equal(["web", "db", "job"], Matching(""));

    [Theory]
    [InlineData("""{"status":{"running":true}}""", new[] { "web" })]
    [InlineData("""{"status":{"exited":true,"created":true}}""", new[] { "db", "job" })]
    [InlineData("""{"status":["paused"]}""", new string[0])]
    public void Status_selects_by_state(string json, string[] expected) =>
        Assert.Equal(expected, Matching(json));

    [Fact]
    public void Exited_selects_stopped_containers_by_exit_code_only()
    {
        Assert.Equal(["db"], Matching("""{"exited":{"3":true}}"""));
        // The created container has exit code 0 too, but it never exited.
        Assert.Empty(Matching("""{"exited":{"0":true}}"""));
    }

    [Fact]
    public void Status_and_exited_imply_all_others_do_not()
    {
        Assert.True(new ContainerFilters("""{"status":{"running":true}}""", _store, _ => []).ImpliesAll);
        Assert.True(new ContainerFilters("""{"exited":{"0":true}}""", _store, _ => []).ImpliesAll);
        Assert.False(new ContainerFilters("""{"name":{"web":true}}""", _store, _ => []).ImpliesAll);
    }

    [Theory]
    [InlineData("""{"label":{"tier":true}}""", new[] { "web", "db" })]
    [InlineData("""{"label":{"tier=back":true}}""", new[] { "db" })]
    [InlineData("""{"label":{"tier=front":true,"env=prod":true}}""", new[] { "web" })]
    [InlineData("""{"label":{"tier=front":true,"env=dev":true}}""", new string[0])]
    [InlineData("""{"label":{"tier=":true}}""", new string[0])]
    public void Labels_match_by_key_or_key_and_value_and_all_must_hold(string json, string[] expected) =>
        Assert.Equal(expected, Matching(json));

    [Theory]
    [InlineData("""{"name":{"web":true}}""", new[] { "web" })]
    [InlineData("""{"name":{"b":true}}""", new[] { "web", "db", "job" })]
    [InlineData("""{"name":{"^/db$":true}}""", new[] { "db" })]
    [InlineData("""{"name":{"web":true,"job":true}}""", new[] { "web", "job" })]
    public void Names_match_as_regular_expressions(string json, string[] expected) =>
        Assert.Equal(expected, Matching(json));

    [Fact]
    public void A_name_anchored_without_the_slash_matches_as_in_docker()
    {
        // moby daemon/list.go matches the name filter against both "/db" and "db": `docker ps -f name=^db$` works.
        Assert.Equal(["db"], Matching("""{"name":{"^db$":true}}"""));
    }

    [Theory]
    [InlineData("""{"id":{"aa":true}}""", new[] { "web", "job" })]
    [InlineData("""{"id":{"aa11":true}}""", new[] { "web" })]
    [InlineData("""{"id":{"cc":true}}""", new string[0])]
    public void Ids_match_by_prefix(string json, string[] expected) =>
        Assert.Equal(expected, Matching(json));

    [Fact]
    public void Ancestor_network_before_and_since_narrow_the_list()
    {
        Assert.Equal(["web", "job"], Matching("""{"ancestor":{"busybox":true}}"""));
        Assert.Equal(["db"], Matching("""{"network":{"host":true}}"""));
        Assert.Equal(["web"], Matching("""{"before":{"db":true}}"""));
        Assert.Equal(["job"], Matching("""{"since":{"db":true}}"""));
    }

    [Fact]
    public void Filters_of_different_keys_must_all_hold() =>
        Assert.Equal(["web"], Matching("""{"id":{"aa":true},"status":{"running":true}}"""));

    [Fact]
    public void An_unknown_key_is_refused_in_dockers_words() =>
        Assert.Equal("invalid filter 'colour'", Refusal("""{"colour":{"red":true}}""", _store));

    [Fact]
    public void An_unknown_status_or_a_non_numeric_exit_code_is_refused()
    {
        Assert.Equal("invalid filter 'status=sleeping'", Refusal("""{"status":{"sleeping":true}}""", _store));
        Assert.Equal("invalid filter 'exited=abc'", Refusal("""{"exited":{"abc":true}}""", _store));
    }

    [Fact]
    public void Before_an_unknown_container_is_not_found()
    {
        var error = Assert.Throws<DriverException>(() => new ContainerFilters("""{"before":{"ghost":true}}""", _store, _ => []));

        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal("No such container: ghost", error.Message);
    }
}
