using Modular.Kernel.Containers;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Containers;

public sealed class ContainerStoreTests : IDisposable
{
    private readonly TempFolder _dataRoot = new("store");
    private readonly ContainerStore _store;

    public ContainerStoreTests()
    {
        _store = new ContainerStore(_dataRoot.Path);
        _store.LoadAll();
    }

    public void Dispose() => _dataRoot.Dispose();

    [Fact]
    public void Finds_a_container_by_full_id_unique_prefix_and_name_with_or_without_slash()
    {
        var web = SampleContainers.New(SampleContainers.IdStartingWith("aa11"), "web");
        _store.Add(web);
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("bb22"), "db"));

        Assert.Same(web, _store.Find(web.Id));
        Assert.Same(web, _store.Find("aa1"));
        Assert.Same(web, _store.Find("web"));
        Assert.Same(web, _store.Find("/web"));
        Assert.Same(web, _store.Get(web.ShortId));
    }

    [Fact]
    public void A_generated_name_another_create_took_meanwhile_is_replaced_but_a_chosen_one_is_a_conflict()
    {
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("aa11"), "eager_turing"));
        var generated = SampleContainers.New(SampleContainers.IdStartingWith("bb22"), "eager_turing");
        var chosen = SampleContainers.New(SampleContainers.IdStartingWith("cc33"), "eager_turing");

        _store.Add(generated, taken => taken("eager_turing2") ? "eager_turing3" : "eager_turing2");
        var error = Assert.Throws<DriverException>(() => _store.Add(chosen));

        Assert.Equal("eager_turing2", generated.Name);
        Assert.Same(generated, _store.Get("eager_turing2"));
        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Null(_store.Find(chosen.Id));
    }

    [Fact]
    public void Unknown_references_are_not_found_with_dockers_message()
    {
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("aa11"), "web"));

        Assert.Null(_store.Find(""));
        Assert.Null(_store.Find("cc"));
        var error = Assert.Throws<DriverException>(() => _store.Get("nope"));
        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal("No such container: nope", error.Message);
    }

    [Fact]
    public void A_name_wins_over_an_id_prefix_as_in_docker()
    {
        var byPrefix = SampleContainers.New(SampleContainers.IdStartingWith("abcd"), "first");
        var byName = SampleContainers.New(SampleContainers.IdStartingWith("ef01"), "abcd");
        _store.Add(byPrefix);
        _store.Add(byName);

        Assert.Same(byName, _store.Find("abcd"));
        Assert.Same(byPrefix, _store.Find("abc"));
    }

    [Fact]
    public void An_ambiguous_prefix_is_a_bad_request()
    {
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("abc1"), "one"));
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("abc2"), "two"));

        var error = Assert.Throws<DriverException>(() => _store.Find("abc"));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void An_ambiguous_prefix_is_reported_in_dockers_words()
    {
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("abc1"), "one"));
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("abc2"), "two"));

        var error = Assert.Throws<DriverException>(() => _store.Find("abc"));

        // moby daemon/container/view.go (ViewDB.GetByPrefix).
        Assert.Equal("multiple IDs found with provided prefix: abc", error.Message);
    }

    [Fact]
    public void A_taken_name_is_a_conflict_in_dockers_words_and_the_second_container_is_not_kept()
    {
        var first = SampleContainers.New(SampleContainers.IdStartingWith("aa"), "web");
        var second = SampleContainers.New(SampleContainers.IdStartingWith("bb"), "web");
        _store.Add(first);

        var error = Assert.Throws<DriverException>(() => _store.Add(second));

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Equal(
            $"Conflict. The container name \"/web\" is already in use by container \"{first.Id}\". You have to remove (or rename) that container to be able to reuse that name.",
            error.Message);
        Assert.Null(_store.Find(second.Id));
        Assert.False(Directory.Exists(_store.DirectoryOf(second.Id)));
        Assert.Same(first, _store.Find("web"));
    }

    [Fact]
    public void Delete_forgets_the_container_frees_its_name_and_removes_its_folder()
    {
        var web = SampleContainers.New(SampleContainers.IdStartingWith("aa"), "web");
        _store.Add(web);
        File.WriteAllText(Path.Combine(_store.DirectoryOf(web.Id), "hostname"), "web\n");

        _store.Delete(web);

        Assert.Null(_store.Find(web.Id));
        Assert.False(_store.NameTaken("web"));
        Assert.False(Directory.Exists(_store.DirectoryOf(web.Id)));
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("bb"), "web"));
    }

    [Fact]
    public void A_new_store_on_the_same_root_reloads_every_container_and_its_state()
    {
        var created = DateTimeOffset.Parse("2024-05-01T10:00:00Z");
        var web = SampleContainers.New(SampleContainers.IdStartingWith("aa"), "web", ContainerStatus.Exited, exitCode: 3,
            labels: new() { ["tier"] = "front" }, created: created);
        _store.Add(web);
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("bb"), "db"));
        web.State.Error = "boom";
        _store.Save(web);

        var reopened = new ContainerStore(_dataRoot.Path);
        var unreadable = reopened.LoadAll();

        Assert.Empty(unreadable);
        Assert.Equal(2, reopened.Count);
        var reloaded = reopened.Get("web");
        Assert.Equal(web.Id, reloaded.Id);
        Assert.Equal(created, reloaded.Created);
        Assert.Equal(ContainerStatus.Exited, reloaded.State.Status);
        Assert.Equal(3, reloaded.State.ExitCode);
        Assert.Equal("boom", reloaded.State.Error);
        Assert.Equal("front", reloaded.Config.Labels!["tier"]);
        Assert.True(reopened.NameTaken("db"));
    }

    [Fact]
    public void Reloading_removes_temporary_files_a_crash_left_behind()
    {
        var web = SampleContainers.New(SampleContainers.IdStartingWith("aa"), "web");
        _store.Add(web);
        var leftover = Path.Combine(_store.DirectoryOf(web.Id), $".config.v2.json.{Environment.ProcessId}.0123456789abcdef.tmp");
        File.WriteAllText(leftover, "{\"Id\":");

        var reopened = new ContainerStore(_dataRoot.Path);
        reopened.LoadAll();

        Assert.False(File.Exists(leftover));
        Assert.NotNull(reopened.Find("web"));
    }

    [Fact]
    public void Folders_without_a_readable_state_are_reported_not_loaded()
    {
        _store.Add(SampleContainers.New(SampleContainers.IdStartingWith("aa"), "web"));
        var empty = Path.Combine(_store.Root, SampleContainers.IdStartingWith("cc"));
        Directory.CreateDirectory(empty);
        var torn = Path.Combine(_store.Root, SampleContainers.IdStartingWith("dd"));
        Directory.CreateDirectory(torn);
        File.WriteAllText(Path.Combine(torn, "config.v2.json"), "{\"Id\":");

        var reopened = new ContainerStore(_dataRoot.Path);
        var unreadable = reopened.LoadAll();

        Assert.Equal(1, reopened.Count);
        Assert.Equal(2, unreadable.Count);
        Assert.Contains(unreadable, u => u.StartsWith(empty, StringComparison.Ordinal));
        Assert.Contains(unreadable, u => u.StartsWith(torn, StringComparison.Ordinal));
    }
}
