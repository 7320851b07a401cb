using System.Runtime.InteropServices;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>One image of a <c>docker save</c> archive: its config, its layer files (bottom first) and its tags.</summary>
internal sealed record ArchiveImage(byte[] ConfigBytes, IReadOnlyList<string> LayerPaths, IReadOnlyList<ImageReference> Tags);

/// <summary>
/// Reads the index of an unpacked archive: Docker's <c>manifest.json</c> (every docker since 1.10, paths relative to
/// the archive, legacy <c>&lt;id&gt;/layer.tar</c> or Docker 25's <c>blobs/sha256/&lt;hex&gt;</c>) when present, otherwise an
/// OCI image layout (<c>index.json</c>).
/// </summary>
internal static class ArchiveManifest
{
    private const string OciManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndexType = "application/vnd.oci.image.index.v1+json";
    private const string DockerManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    private const string DockerManifestListType = "application/vnd.docker.distribution.manifest.list.v2+json";
    private const string ContainerdNameAnnotation = "io.containerd.image.name";
    private const string OciRefNameAnnotation = "org.opencontainers.image.ref.name";

    public static IReadOnlyList<ArchiveImage> Read(ArchiveSpool spool)
    {
        if (spool.Exists("manifest.json"))
        {
            return ReadDockerManifest(spool);
        }
        if (spool.Exists("index.json"))
        {
            return ReadOciLayout(spool);
        }
        throw DriverException.InvalidArgument("invalid archive: it has neither manifest.json nor an OCI index.json");
    }

    private static IReadOnlyList<ArchiveImage> ReadDockerManifest(ArchiveSpool spool)
    {
        using var document = ParseJson(spool.ReadAll("manifest.json"), "manifest.json");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw DriverException.InvalidArgument("invalid archive: manifest.json is not an array");
        }
        var images = new List<ArchiveImage>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var configPath = StringProperty(item, "Config") ??
                throw DriverException.InvalidArgument("invalid archive: a manifest.json entry has no Config");
            var layers = StringArray(item, "Layers");
            var tags = StringArray(item, "RepoTags").Select(ParseTag).ToArray();
            images.Add(new ArchiveImage(spool.ReadAll(configPath), layers, tags));
        }
        return images;
    }

    private static IReadOnlyList<ArchiveImage> ReadOciLayout(ArchiveSpool spool)
    {
        using var index = ParseJson(spool.ReadAll("index.json"), "index.json");
        // Docker lists one descriptor per tag, all naming the same manifest: gather the tags per manifest.
        var tagsByManifest = new Dictionary<string, List<ImageReference>>(StringComparer.Ordinal);
        var manifestOrder = new List<string>();
        foreach (var descriptor in Descriptors(index.RootElement))
        {
            var manifestDigest = ManifestOf(spool, descriptor);
            if (!tagsByManifest.TryGetValue(manifestDigest, out var tags))
            {
                tagsByManifest[manifestDigest] = tags = [];
                manifestOrder.Add(manifestDigest);
            }
            if (TagOf(descriptor) is { } tag && !tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }
        var images = new List<ArchiveImage>();
        foreach (var manifestDigest in manifestOrder)
        {
            using var manifest = ParseJson(ReadBlob(spool, manifestDigest), manifestDigest);
            var config = manifest.RootElement.TryGetProperty("config", out var c) ? c : default;
            var configDigest = StringProperty(config, "digest") ??
                throw DriverException.InvalidArgument($"invalid archive: manifest {manifestDigest} has no config");
            var layers = manifest.RootElement.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array
                ? l.EnumerateArray().Select(layer => BlobPath(StringProperty(layer, "digest") ?? "")).ToArray()
                : [];
            images.Add(new ArchiveImage(ReadBlob(spool, configDigest), layers, tagsByManifest[manifestDigest]));
        }
        return images;
    }

    /// <summary>The digest of the image manifest a descriptor leads to, choosing this host's platform in an index.</summary>
    private static string ManifestOf(ArchiveSpool spool, JsonElement descriptor, int depth = 0)
    {
        var digest = StringProperty(descriptor, "digest") ??
            throw DriverException.InvalidArgument("invalid archive: a descriptor in index.json has no digest");
        var mediaType = StringProperty(descriptor, "mediaType") ?? MediaTypeOfBlob(spool, digest);
        if (mediaType is OciManifestType or DockerManifestType)
        {
            return digest;
        }
        if (mediaType is not (OciIndexType or DockerManifestListType) || depth > 4)
        {
            throw DriverException.InvalidArgument($"invalid archive: unsupported descriptor media type {mediaType}");
        }
        using var nested = ParseJson(ReadBlob(spool, digest), digest);
        var candidates = Descriptors(nested.RootElement).ToArray();
        var chosen = candidates.FirstOrDefault(IsHostPlatform);
        if (chosen.ValueKind == JsonValueKind.Undefined)
        {
            throw DriverException.NotFound($"image index {digest} has no manifest for linux/{HostArchitecture}");
        }
        return ManifestOf(spool, chosen, depth + 1);
    }

    /// <summary>For descriptors that omit their media type: an index lists manifests, a manifest has a config.</summary>
    private static string MediaTypeOfBlob(ArchiveSpool spool, string digest)
    {
        using var blob = ParseJson(ReadBlob(spool, digest), digest);
        if (StringProperty(blob.RootElement, "mediaType") is { } declared)
        {
            return declared;
        }
        return blob.RootElement.ValueKind == JsonValueKind.Object && blob.RootElement.TryGetProperty("manifests", out _)
            ? OciIndexType
            : OciManifestType;
    }

    private static IEnumerable<JsonElement> Descriptors(JsonElement index) =>
        index.ValueKind == JsonValueKind.Object && index.TryGetProperty("manifests", out var manifests) &&
        manifests.ValueKind == JsonValueKind.Array
            ? manifests.EnumerateArray().ToArray()
            : [];

    private static bool IsHostPlatform(JsonElement descriptor) =>
        descriptor.TryGetProperty("platform", out var platform) &&
        StringProperty(platform, "os") == "linux" && StringProperty(platform, "architecture") == HostArchitecture;

    /// <summary>Containerd's full name annotation, else the OCI ref name when it is a full reference (not a bare tag).</summary>
    private static ImageReference? TagOf(JsonElement descriptor)
    {
        if (!descriptor.TryGetProperty("annotations", out var annotations))
        {
            return null;
        }
        foreach (var key in new[] { ContainerdNameAnnotation, OciRefNameAnnotation })
        {
            if (StringProperty(annotations, key) is { } name &&
                ImageReference.TryParse(name, out var reference, out _) && reference.Tag is not null &&
                reference.Digest is null)
            {
                return reference;
            }
        }
        return null;
    }

    private static ImageReference ParseTag(string text)
    {
        var reference = ImageReference.Parse(text);
        return reference.Tag is not null && reference.Digest is null
            ? reference
            : throw DriverException.InvalidArgument($"invalid tag \"{text}\"");
    }

    /// <summary>Reads a small blob and checks that its content has the digest that names it.</summary>
    private static byte[] ReadBlob(ArchiveSpool spool, string digest)
    {
        var content = spool.ReadAll(BlobPath(digest));
        if (Sha256Digest.Of(content) != digest)
        {
            throw DriverException.InvalidArgument($"invalid archive: blob {digest} does not match its digest");
        }
        return content;
    }

    private static string BlobPath(string digest) => "blobs/sha256/" + Sha256Digest.Hex(digest);

    internal static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static JsonDocument ParseJson(byte[] content, string what)
    {
        try
        {
            return JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid archive: {what}: {e.Message}");
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IReadOnlyList<string> StringArray(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!).ToArray()
            : [];
}
