using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class ImportTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Import_makes_a_one_layer_image_with_the_changes_applied()
    {
        var layer = TarFiles.Layer(("etc/greeting", "hello"), ("bin/tool", "#!/bin/sh\n"));
        string[] changes =
        [
            "CMD echo hi \"there\"",
            "ENTRYPOINT [\"/bin/tool\"]",
            "ENV A=1 B=\"two words\"",
            "ENV C 3 4",
            "EXPOSE 80 53/udp 8000-8001",
            "LABEL x=y \"z w\"=v",
            "USER nobody",
            "VOLUME /data /logs",
            "VOLUME [\"/j\"]",
            "WORKDIR /app",
            "WORKDIR sub",
            "STOPSIGNAL SIGINT",
            "ONBUILD run echo built",
        ];

        var id = await _root.Service.ImportAsync(new MemoryStream(layer), "chg:1", changes, "my msg", cancellationToken: TestContext.Current.CancellationToken);

        var image = _root.Service.Inspect("chg:1");
        Assert.Equal(id, image.Id);
        Assert.Equal(TarFiles.Digest(image.ConfigFile.Raw.ToArray()), id);
        Assert.Equal([TarFiles.Digest(layer)], image.DiffIds);
        Assert.Equal(["chg:1"], image.RepoTags);
        Assert.Equal("linux", image.Os);
        Assert.Contains(image.Architecture, new[] { "amd64", "arm64" });
        Assert.Equal("my msg", image.ConfigFile.Comment);
        Assert.Equal("my msg", Assert.Single(image.ConfigFile.History).Comment);
        var config = image.Config;
        Assert.Equal(["/bin/sh", "-c", "echo hi \"there\""], config.Cmd);
        Assert.Equal(["/bin/tool"], config.Entrypoint);
        Assert.Equal(["A=1", "B=two words", "C=3 4"], config.Env);
        Assert.Equal(["53/udp", "80/tcp", "8000/tcp", "8001/tcp"], config.ExposedPorts);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y", ["z w"] = "v" }, config.Labels);
        Assert.Equal("nobody", config.User);
        Assert.Equal(["/data", "/j", "/logs"], config.Volumes);
        Assert.Equal("/app/sub", config.WorkingDir);
        Assert.Equal("SIGINT", config.StopSignal);
        Assert.Equal(["RUN echo built"], config.OnBuild);
        Assert.Equal("hello", _root.ReadFromImage(id, "/etc/greeting"));
        Assert.Equal(image.Size, "hello".Length + "#!/bin/sh\n".Length);
    }

    [Fact]
    public async Task Import_without_message_says_imported_from_stdin_and_accepts_gzip()
    {
        var layer = TarFiles.Layer(("f", "x"));

        var id = await _root.Service.ImportAsync(new MemoryStream(TarFiles.Gzip(layer)), null, [], null, cancellationToken: TestContext.Current.CancellationToken);

        var image = _root.Service.Inspect(id);
        Assert.Equal("Imported from -", image.ConfigFile.Comment);
        Assert.Equal([TarFiles.Digest(layer)], image.DiffIds);
        Assert.Empty(image.RepoTags);
        Assert.Null(image.Config.Cmd);
    }

    [Fact]
    public async Task Import_reads_a_stream_that_only_allows_asynchronous_reads()
    {
        var layer = TarFiles.Layer(("f", new string('x', 3 << 20)));

        var id = await _root.Service.ImportAsync(new AsyncOnlyStream(layer), "big", [], null, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3 << 20, _root.Service.Inspect(id).Size);
    }

    [Theory]
    [InlineData("RUN echo", "run is not a valid change command")]
    [InlineData("FROM x", "from is not a valid change command")]
    [InlineData("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("EXPOSE 80/xyz", "invalid proto: xyz")]
    public async Task Import_rejects_bad_changes_before_creating_anything(string change, string message)
    {
        var error = await Assert.ThrowsAsync<DriverException>(() =>
            _root.Service.ImportAsync(new MemoryStream(TarFiles.Layer(("f", "x"))), null, [change], null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.Empty(_root.DriverLayers());
    }

    [Fact]
    public async Task A_broken_layer_stream_leaves_no_layer_behind()
    {
        var layer = TarFiles.Layer(("f", new string('x', 100_000)));

        await Assert.ThrowsAnyAsync<Exception>(() =>
            _root.Service.ImportAsync(new MemoryStream(TarFiles.Gzip(layer)[..2000]), "broken", [], null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(_root.DriverLayers());
        Assert.Empty(_root.LayerRecords());
        Assert.Empty(_root.Service.List());
    }

    [Fact]
    public async Task Importing_the_same_content_twice_shares_one_layer()
    {
        var layer = TarFiles.Layer(("f", "same"));

        var first = await _root.Service.ImportAsync(new MemoryStream(layer), "one", [], "first", cancellationToken: TestContext.Current.CancellationToken);
        var second = await _root.Service.ImportAsync(new MemoryStream(layer), "two", [], "second", cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
        Assert.Equal(_root.Service.Inspect("one").TopLayerCacheId, _root.Service.Inspect("two").TopLayerCacheId);
        Assert.Single(_root.DriverLayers());
        Assert.Single(_root.LayerRecords());
    }
}
