using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// Reads manifests as registries serve them. The media type comes from the Content-Type header, or from the
/// document's own mediaType field when the header is generic; schema1 and anything unknown are refused by name.
/// </summary>
internal static class ManifestParser
{
    /// <summary>The largest manifest accepted (containerd's limit): a registry sending more is misbehaving.</summary>
    public const int MaxManifestBytes = 4 << 20;

    public static string MediaTypeOf(ReadOnlySpan<byte> body, string? contentType)
    {
        var header = contentType?.Split(';')[0].Trim() ?? "";
        if (header.Length > 0 && header is not ("application/json" or "text/plain" or "application/octet-stream"))
        {
            return header;
        }
        using var document = Parse(body);
        var root = document.RootElement;
        if (String(root, "mediaType") is { Length: > 0 } declared)
        {
            return declared;
        }
        if (root.TryGetProperty("manifests", out _))
        {
            return MediaTypes.OciIndex;
        }
        if (root.TryGetProperty("config", out _) && root.TryGetProperty("layers", out _))
        {
            return MediaTypes.OciManifest;
        }
        if (root.TryGetProperty("fsLayers", out _))
        {
            return MediaTypes.DockerSchema1;
        }
        throw DriverException.InvalidArgument("unrecognized manifest: it has no mediaType, manifests or layers");
    }

    /// <summary>Throws InvalidArgument for schema1 and unknown types with the message the user will see.</summary>
    public static void EnsureSupported(string mediaType)
    {
        if (mediaType is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed)
        {
            throw DriverException.InvalidArgument(
                "[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. " +
                "Suggest the author of the image to upgrade the image to image manifest version 2, schema 2.");
        }
        if (!MediaTypes.IsIndex(mediaType) && !MediaTypes.IsImageManifest(mediaType))
        {
            throw DriverException.InvalidArgument($"unsupported manifest media type: {mediaType}");
        }
    }

    public static ManifestIndex ParseIndex(ReadOnlySpan<byte> body, string mediaType)
    {
        using var document = Parse(body);
        if (!document.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
        {
            throw DriverException.InvalidArgument("invalid manifest list: no manifests array");
        }
        return new ManifestIndex(mediaType, manifests.EnumerateArray().Select(entry => ReadDescriptor(entry, "manifest list entry")).ToArray());
    }

    public static ImageManifest ParseManifest(ReadOnlySpan<byte> body, string mediaType)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            throw DriverException.InvalidArgument("invalid manifest: no config descriptor");
        }
        var configDescriptor = ReadDescriptor(config, "config");
        if (!MediaTypes.IsConfig(configDescriptor.MediaType))
        {
            throw DriverException.InvalidArgument($"unsupported config media type {configDescriptor.MediaType}: this is not a container image");
        }
        var layers = root.TryGetProperty("layers", out var layerArray) && layerArray.ValueKind == JsonValueKind.Array
            ? layerArray.EnumerateArray().Select(layer => ReadDescriptor(layer, "layer")).ToArray()
            : throw DriverException.InvalidArgument("invalid manifest: no layers array");
        foreach (var layer in layers)
        {
            if (!MediaTypes.IsLayer(layer.MediaType))
            {
                throw DriverException.InvalidArgument($"unsupported layer media type {layer.MediaType} (layer {layer.Digest})");
            }
        }
        return new ImageManifest(mediaType, configDescriptor, layers);
    }

    /// <summary>
    /// The entry of <paramref name="index"/> for <paramref name="wanted"/>: an exact variant match first, then an entry
    /// without a variant. NotFound in Docker's words when there is none.
    /// </summary>
    public static Descriptor SelectPlatform(ManifestIndex index, Platform wanted)
    {
        var candidates = index.Manifests.Where(entry => entry.Platform is { } platform && wanted.Matches(platform)).ToList();
        var chosen = candidates.FirstOrDefault(entry => Platform.Normalize(entry.Platform!).Variant == wanted.Variant)
            ?? candidates.FirstOrDefault();
        return chosen ?? throw DriverException.NotFound($"no matching manifest for {wanted} in the manifest list entries");
    }

    private static Descriptor ReadDescriptor(JsonElement element, string what)
    {
        var mediaType = String(element, "mediaType") ?? "";
        var digest = String(element, "digest");
        if (!Sha256Digest.IsValid(digest))
        {
            throw DriverException.InvalidArgument($"invalid {what} descriptor: unsupported or malformed digest \"{digest}\"");
        }
        var size = element.TryGetProperty("size", out var sizeElement) && sizeElement.TryGetInt64(out var value) && value >= 0
            ? value
            : throw DriverException.InvalidArgument($"invalid {what} descriptor {digest}: no size");
        Platform? platform = null;
        if (element.TryGetProperty("platform", out var platformElement) && platformElement.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(String(platformElement, "os") ?? "", String(platformElement, "architecture") ?? "",
                String(platformElement, "variant"));
        }
        IReadOnlyList<string>? urls = element.TryGetProperty("urls", out var urlArray) && urlArray.ValueKind == JsonValueKind.Array
            ? urlArray.EnumerateArray().Select(url => url.GetString() ?? "").ToArray()
            : null;
        return new Descriptor(mediaType, digest!, size, platform, urls);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid manifest JSON: {e.Message}");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
