namespace Modular.Kernel.Images.Distribution;

/// <summary>The media types of the distribution spec this client reads and writes.</summary>
internal static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciNondistributableTar = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public const string OciNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string OciNondistributableZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    /// <summary>What a pull asks for, in Docker's order of preference.</summary>
    public static readonly string[] Accepted = [DockerManifest, DockerManifestList, OciManifest, OciIndex];

    public static bool IsIndex(string mediaType) => mediaType is DockerManifestList or OciIndex;

    public static bool IsImageManifest(string mediaType) => mediaType is DockerManifest or OciManifest;

    public static bool IsLayer(string mediaType) => mediaType is DockerLayerGzip or DockerLayerTar or OciLayerTar or OciLayerGzip
        or OciLayerZstd or OciNondistributableTar or OciNondistributableGzip or OciNondistributableZstd or DockerForeignLayer;

    public static bool IsConfig(string mediaType) => mediaType is DockerConfig or OciConfig;
}
