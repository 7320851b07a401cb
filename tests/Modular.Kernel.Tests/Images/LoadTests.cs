using Xunit;
using System.Runtime.CompilerServices;
using System.Text;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class LoadTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();
    private readonly byte[] _base = TarFiles.Layer(("etc/os-release", "base"));
    private readonly byte[] _app = TarFiles.Layer(("app/run", "app"));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Loads_a_legacy_archive_whose_layers_are_linked_between_images()
    {
        var baseConfig = TarFiles.Config("base", TarFiles.Digest(_base));
        var appConfig = TarFiles.Config("app", TarFiles.Digest(_base), TarFiles.Digest(_app));
        var manifest =
            $"[{{\"Config\":\"{TarFiles.Hex(appConfig)}.json\",\"RepoTags\":[\"app:1\",\"myreg:5000/team/app:1\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}}," +
            $"{{\"Config\":\"{TarFiles.Hex(baseConfig)}.json\",\"RepoTags\":null,\"Layers\":[\"l0/layer.tar\"]}}]";
        var archive = TarFiles.Archive(
            TarFiles.File("l0/VERSION", "1.0"),
            TarFiles.File("l0/layer.tar", _base),
            TarFiles.Symlink("l1/layer.tar", "../l0/layer.tar"),
            TarFiles.File("l2/layer.tar", _app),
            TarFiles.File($"{TarFiles.Hex(appConfig)}.json", appConfig),
            TarFiles.File($"{TarFiles.Hex(baseConfig)}.json", baseConfig),
            TarFiles.File("manifest.json", manifest));

        var lines = await _root.Service.LoadAsync(new AsyncOnlyStream(archive), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: app:1", "Loaded image: myreg:5000/team/app:1", $"Loaded image ID: {TarFiles.Digest(baseConfig)}"], lines);
        var app = _root.Service.Inspect("app:1");
        var baseImage = _root.Service.Inspect(TarFiles.Digest(baseConfig));
        Assert.Equal(TarFiles.Digest(appConfig), app.Id);
        Assert.Equal(["app"], app.Config.Cmd);
        Assert.Equal(baseImage.LayerCacheIds[0], app.LayerCacheIds[0]);
        Assert.Equal(2, _root.DriverLayers().Count);
        Assert.Equal("app", _root.ReadFromImage("app:1", "app/run"));
        Assert.Equal("base", _root.ReadFromImage("app:1", "etc/os-release"));
        Assert.True(appConfig.AsSpan().SequenceEqual(app.ConfigFile.Raw.Span));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.ImageFolder, "tmp")));
    }

    [Fact]
    public async Task Loads_an_oci_layout_with_gzip_layers_and_name_annotations()
    {
        var config = TarFiles.Config("oci", TarFiles.Digest(_base), TarFiles.Digest(_app));
        var compressedBase = TarFiles.Gzip(_base);
        var compressedApp = TarFiles.Gzip(_app);
        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{TarFiles.Digest(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{Descriptor(compressedBase)},{Descriptor(compressedApp)}]}}");
        var index =
            "{\"schemaVersion\":2,\"manifests\":[" +
            $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{TarFiles.Digest(manifest)}\",\"size\":{manifest.Length}," +
            "\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/oci:2\",\"org.opencontainers.image.ref.name\":\"2\"}}," +
            $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{TarFiles.Digest(manifest)}\",\"size\":{manifest.Length}," +
            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"example.com/oci:3\"}}]}";
        var archive = TarFiles.Archive(
            TarFiles.File("index.json", index),
            TarFiles.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(compressedApp)}", compressedApp),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(manifest)}", manifest),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(config)}", config),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(compressedBase)}", compressedBase));

        var lines = await _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: oci:2", "Loaded image: example.com/oci:3"], lines);
        Assert.Equal(["oci:2", "example.com/oci:3"], _root.Service.Inspect("oci:2").RepoTags);
        Assert.Equal([TarFiles.Digest(_base), TarFiles.Digest(_app)], _root.Service.Inspect("oci:2").DiffIds);
        Assert.Equal("app", _root.ReadFromImage("oci:2", "app/run"));
    }

    [Fact]
    public async Task Prefers_manifest_json_when_the_archive_is_both_forms_as_docker_25_writes_it()
    {
        var config = TarFiles.Config("both", TarFiles.Digest(_base));
        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{TarFiles.Digest(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{Descriptor(_base, "application/vnd.oci.image.layer.v1.tar")}]}}");
        var index = "{\"schemaVersion\":2,\"manifests\":[" +
            $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{TarFiles.Digest(manifest)}\",\"size\":{manifest.Length}," +
            "\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/from-index:1\"}}]}";
        var dockerManifest =
            $"[{{\"Config\":\"blobs/sha256/{TarFiles.Hex(config)}\",\"RepoTags\":[\"from-manifest:1\"],\"Layers\":[\"blobs/sha256/{TarFiles.Hex(_base)}\"]}}]";
        var archive = TarFiles.Archive(
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(_base)}", _base),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(config)}", config),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(manifest)}", manifest),
            TarFiles.File("index.json", index),
            TarFiles.File("manifest.json", dockerManifest),
            TarFiles.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"),
            TarFiles.File("repositories", "{\"from-manifest\":{\"1\":\"x\"}}"));

        var lines = await _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: from-manifest:1"], lines);
        Assert.Equal(["from-manifest:1"], _root.Service.Inspect(TarFiles.Digest(config)).RepoTags);
    }

    [Fact]
    public async Task Loads_a_real_docker_20_10_save_of_two_images_sharing_a_layer()
    {
        var archive = await File.ReadAllBytesAsync(Path.Combine(FixtureFolder(), "docker-20.10-save-two-images.tar"), TestContext.Current.CancellationToken);

        var lines = await _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: chg:1", "Loaded image: t:1"], lines);
        var changed = _root.Service.Inspect("chg:1");
        Assert.Equal("sha256:3ef62dcd3872577864a32a2181ca7a4136523cd466dda358205a8fed150c03f6", changed.Id);
        Assert.Equal("sha256:289f8560fa394d90264e967f6fe650fb5807e6f50e90a75c51ecf7659181b633", _root.Service.Resolve("t:1"));
        Assert.Equal(["/bin/sh", "-c", "echo hi \"there\""], changed.Config.Cmd);
        Assert.Equal("/app/sub", changed.Config.WorkingDir);
        Assert.Equal("my msg", changed.ConfigFile.Comment);
        Assert.Equal(["sha256:c7b6a4db2eae026d1024038877cb60bd3617218817edc634b10369709a8b5d69"], changed.DiffIds);
        Assert.Equal(24, changed.Size);
        Assert.Equal("hello\n", _root.ReadFromImage("t:1", "etc/greeting"));
        Assert.Single(_root.DriverLayers());
    }

    [Fact]
    public async Task Loads_a_gzip_compressed_archive()
    {
        var archive = await File.ReadAllBytesAsync(Path.Combine(FixtureFolder(), "docker-20.10-save-two-images.tar"), TestContext.Current.CancellationToken);

        var lines = await _root.Service.LoadAsync(new AsyncOnlyStream(TarFiles.Gzip(archive)), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: chg:1", "Loaded image: t:1"], lines);
    }

    [Fact]
    public async Task Picks_this_hosts_platform_from_a_nested_index_whose_descriptors_omit_media_types()
    {
        var config = TarFiles.Config("nested", TarFiles.Digest(_base));
        var manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"config\":{{\"digest\":\"{TarFiles.Digest(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{Descriptor(_base, "application/vnd.oci.image.layer.v1.tar")}]}}");
        var host = Modular.Kernel.Images.ImageService.HostArchitecture;
        var nested = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"manifests\":[" +
            $"{{\"digest\":\"sha256:{new string('0', 64)}\",\"platform\":{{\"os\":\"linux\",\"architecture\":\"other\"}}}}," +
            $"{{\"digest\":\"{TarFiles.Digest(manifest)}\",\"platform\":{{\"os\":\"linux\",\"architecture\":\"{host}\"}}}}]}}");
        var index = "{\"schemaVersion\":2,\"manifests\":[" +
            $"{{\"digest\":\"{TarFiles.Digest(nested)}\",\"annotations\":{{\"io.containerd.image.name\":\"docker.io/library/multi:1\"}}}}]}}";
        var archive = TarFiles.Archive(
            TarFiles.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"),
            TarFiles.File("index.json", index),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(nested)}", nested),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(manifest)}", manifest),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(config)}", config),
            TarFiles.File($"blobs/sha256/{TarFiles.Hex(_base)}", _base));

        var lines = await _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: multi:1"], lines);
        Assert.Equal(TarFiles.Digest(config), _root.Service.Resolve("multi:1"));
    }

    [Fact]
    public async Task A_layer_that_does_not_match_its_diff_id_is_rejected_and_nothing_stays_registered()
    {
        var config = TarFiles.Config("bad", TarFiles.Digest(_base), TarFiles.Digest(_app));
        var manifest = $"[{{\"Config\":\"c.json\",\"RepoTags\":[\"bad:1\"],\"Layers\":[\"a/layer.tar\",\"b/layer.tar\"]}}]";
        var tampered = TarFiles.Layer(("app/run", "evil"));
        var archive = TarFiles.Archive(
            TarFiles.File("a/layer.tar", _base),
            TarFiles.File("b/layer.tar", tampered),
            TarFiles.File("c.json", config),
            TarFiles.File("manifest.json", manifest));

        var error = await Assert.ThrowsAsync<DriverException>(() => _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"invalid diffID for layer 1: expected \"{TarFiles.Digest(_app)}\", got \"{TarFiles.Digest(tampered)}\"", error.Message);
        Assert.Empty(_root.Service.List());
        Assert.Empty(_root.DriverLayers());
        Assert.Empty(_root.LayerRecords());
        Assert.Throws<DriverException>(() => _root.Service.Inspect("bad:1"));
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("a/../../escape.json")]
    public async Task Refuses_archive_entries_that_climb_out_of_the_archive(string name)
    {
        var archive = TarFiles.Archive(TarFiles.File(name, "{}"), TarFiles.File("manifest.json", "[]"));

        var error = await Assert.ThrowsAsync<DriverException>(() => _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken));

        Assert.Contains("points outside the archive", error.Message);
        Assert.False(File.Exists(Path.Combine(_root.ImageFolder, "escape.json")));
    }

    [Fact]
    public async Task Refuses_a_link_that_points_out_of_the_archive()
    {
        var archive = TarFiles.Archive(TarFiles.Symlink("l/layer.tar", "../../../etc/passwd"));

        var error = await Assert.ThrowsAsync<DriverException>(() => _root.Service.LoadAsync(new MemoryStream(archive), TestContext.Current.CancellationToken));

        Assert.Contains("points outside the archive", error.Message);
    }

    [Fact]
    public async Task Loading_again_moves_the_tag_and_says_so()
    {
        var first = TarFiles.Config("first", TarFiles.Digest(_base));
        var second = TarFiles.Config("second", TarFiles.Digest(_base));
        byte[] Archive(byte[] config) => TarFiles.Archive(
            TarFiles.File("l.tar", _base),
            TarFiles.File("c.json", config),
            TarFiles.File("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"same:1\"],\"Layers\":[\"l.tar\"]}]"));

        await _root.Service.LoadAsync(new MemoryStream(Archive(first)), TestContext.Current.CancellationToken);
        var lines = await _root.Service.LoadAsync(new MemoryStream(Archive(second)), TestContext.Current.CancellationToken);

        Assert.Equal([$"The image same:1 already exists, renaming the old one with ID {TarFiles.Digest(first)} to empty string", "Loaded image: same:1"], lines);
        Assert.Equal(TarFiles.Digest(second), _root.Service.Resolve("same:1"));
        Assert.Empty(_root.Service.Inspect(TarFiles.Digest(first)).RepoTags);
        Assert.Single(_root.DriverLayers());
    }

    private static string Descriptor(byte[] blob, string mediaType = "application/vnd.oci.image.layer.v1.tar+gzip") =>
        $"{{\"mediaType\":\"{mediaType}\",\"digest\":\"{TarFiles.Digest(blob)}\",\"size\":{blob.Length}}}";

    private static string FixtureFolder([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Fixtures");
}
