using System.Text;
using Modular.Kernel.Images.Distribution;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Distribution;

public sealed class ManifestParserTests
{
    private const string DigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string DigestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string DigestC = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    private static readonly string Schema2 = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1470,"digest":"{{{DigestA}}}"},
         "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":2811478,"digest":"{{{DigestB}}}"}]}
        """;

    private static readonly string Index = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":10,"digest":"{{{DigestA}}}","platform":{"architecture":"arm","os":"linux","variant":"v6"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":11,"digest":"{{{DigestB}}}","platform":{"architecture":"arm","os":"linux","variant":"v7"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":12,"digest":"{{{DigestC}}}","platform":{"architecture":"amd64","os":"linux"}}]}
        """;

    [Fact]
    public void A_schema2_manifest_gives_its_config_and_layers()
    {
        var manifest = ManifestParser.ParseManifest(Encoding.UTF8.GetBytes(Schema2), MediaTypes.DockerManifest);

        Assert.Equal(DigestA, manifest.Config.Digest);
        Assert.Equal(1470, manifest.Config.Size);
        var layer = Assert.Single(manifest.Layers);
        Assert.Equal((MediaTypes.DockerLayerGzip, DigestB, 2811478L), (layer.MediaType, layer.Digest, layer.Size));
    }

    [Fact]
    public void The_media_type_comes_from_the_header_or_else_from_the_document()
    {
        var bytes = Encoding.UTF8.GetBytes(Schema2);

        Assert.Equal(MediaTypes.OciIndex, ManifestParser.MediaTypeOf(bytes, MediaTypes.OciIndex + "; charset=utf-8"));
        Assert.Equal(MediaTypes.DockerManifest, ManifestParser.MediaTypeOf(bytes, "application/json"));
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.MediaTypeOf(Encoding.UTF8.GetBytes("{\"manifests\":[]}"), null));
    }

    [Fact]
    public void Schema1_and_unknown_media_types_are_refused_by_name()
    {
        var schema1 = Assert.Throws<DriverException>(() => ManifestParser.EnsureSupported(MediaTypes.DockerSchema1Signed));
        var unknown = Assert.Throws<DriverException>(() => ManifestParser.EnsureSupported("application/vnd.example.thing"));

        Assert.Contains("schema 1 support has been removed", schema1.Message);
        Assert.Equal("unsupported manifest media type: application/vnd.example.thing", unknown.Message);
    }

    [Fact]
    public void An_unknown_layer_media_type_is_refused()
    {
        var odd = Schema2.Replace(MediaTypes.DockerLayerGzip, "application/vnd.example.layer");

        var error = Assert.Throws<DriverException>(() => ManifestParser.ParseManifest(Encoding.UTF8.GetBytes(odd), MediaTypes.DockerManifest));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("unsupported layer media type application/vnd.example.layer", error.Message);
    }

    [Fact]
    public void A_malformed_digest_is_refused()
    {
        var bad = Schema2.Replace(DigestB, "sha256:xyz");

        var error = Assert.Throws<DriverException>(() => ManifestParser.ParseManifest(Encoding.UTF8.GetBytes(bad), MediaTypes.DockerManifest));

        Assert.Contains("malformed digest", error.Message);
    }

    [Theory]
    [InlineData("linux/amd64", DigestC)]
    [InlineData("linux/arm/v6", DigestA)]
    [InlineData("linux/arm/v7", DigestB)]
    [InlineData("linux/arm", DigestB)]
    [InlineData("linux/x86_64", DigestC)]
    public void The_platform_picks_the_index_entry(string platform, string expected)
    {
        var index = ManifestParser.ParseIndex(Encoding.UTF8.GetBytes(Index), MediaTypes.OciIndex);

        Assert.Equal(expected, ManifestParser.SelectPlatform(index, Platform.Parse(platform)).Digest);
    }

    [Fact]
    public void A_platform_the_index_lacks_is_docker_s_not_found()
    {
        var index = ManifestParser.ParseIndex(Encoding.UTF8.GetBytes(Index), MediaTypes.OciIndex);

        var error = Assert.Throws<DriverException>(() => ManifestParser.SelectPlatform(index, Platform.Parse("linux/s390x")));

        Assert.Equal(DriverErrorKind.NotFound, error.Kind);
        Assert.Equal("no matching manifest for linux/s390x in the manifest list entries", error.Message);
    }

    [Fact]
    public void The_pushed_manifest_is_schema2_unless_a_layer_needs_oci()
    {
        var config = new Descriptor(MediaTypes.DockerConfig, DigestA, 10);
        var (_, docker) = ManifestWriter.Write(config, [new Descriptor(MediaTypes.DockerLayerGzip, DigestB, 5)]);
        var (bytes, oci) = ManifestWriter.Write(config, [new Descriptor(MediaTypes.OciLayerZstd, DigestB, 5)]);

        Assert.Equal(MediaTypes.DockerManifest, docker);
        Assert.Equal(MediaTypes.OciManifest, oci);
        var reparsed = ManifestParser.ParseManifest(bytes, oci);
        Assert.Equal(MediaTypes.OciConfig, reparsed.Config.MediaType);
        Assert.Equal(MediaTypes.OciLayerZstd, reparsed.Layers[0].MediaType);
    }
}
