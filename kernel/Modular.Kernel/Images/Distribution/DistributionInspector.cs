using System.Text.Json;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// <c>GET /distribution/{name}/json</c>: the descriptor of the manifest a reference names and the platforms it holds,
/// without pulling anything.
/// </summary>
internal static class DistributionInspector
{
    public static async Task<byte[]> InspectAsync(RegistryHttp http, RegistrySettings settings, ImageReference reference,
        RegistryCredentials credentials, CancellationToken cancellationToken)
    {
        Exception? lastError = null;
        foreach (var endpoint in settings.EndpointsFor(reference.Domain, forPush: false))
        {
            var session = new RegistrySession(http, endpoint, reference.Path, push: false, credentials);
            try
            {
                await session.PingAsync(cancellationToken);
                var manifest = await ManifestFetcher.FetchAsync(session, reference.Digest ?? reference.Tag!, reference.Familiar, cancellationToken);
                var platforms = new List<Platform>();
                if (MediaTypes.IsIndex(manifest.MediaType))
                {
                    platforms.AddRange(ManifestParser.ParseIndex(manifest.Bytes, manifest.MediaType).Manifests
                        .Select(entry => entry.Platform).OfType<Platform>());
                }
                else
                {
                    var image = ManifestParser.ParseManifest(manifest.Bytes, manifest.MediaType);
                    var config = ImageConfigJson.Parse(await ManifestFetcher.FetchBlobAsync(session, image.Config, cancellationToken));
                    platforms.Add(new Platform(config.Os, config.Architecture, config.Variant));
                }
                return Write(manifest, platforms);
            }
            catch (HttpRequestException e)
            {
                lastError = e;
            }
        }
        throw new Sdk.DriverException(Sdk.DriverErrorKind.Unavailable, lastError?.Message ?? $"no endpoint of {reference.Domain} answered");
    }

    private static byte[] Write(FetchedManifest manifest, IReadOnlyList<Platform> platforms)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Descriptor");
            writer.WriteString("mediaType", manifest.MediaType);
            writer.WriteString("digest", manifest.Digest);
            writer.WriteNumber("size", manifest.Bytes.Length);
            writer.WriteEndObject();
            writer.WriteStartArray("Platforms");
            foreach (var platform in platforms)
            {
                writer.WriteStartObject();
                writer.WriteString("architecture", platform.Architecture);
                writer.WriteString("os", platform.Os);
                if (platform.Variant is not null)
                {
                    writer.WriteString("variant", platform.Variant);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
