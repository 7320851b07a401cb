using System.Net;
using System.Net.Http.Headers;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>A manifest as fetched: its exact bytes, media type and digest (verified when it was asked for by digest).</summary>
internal sealed record FetchedManifest(byte[] Bytes, string MediaType, string Digest);

/// <summary>Reads manifests and small blobs (configs) of a repository, checking sizes and digests.</summary>
internal static class ManifestFetcher
{
    private const int MaxConfigBytes = 32 << 20;

    /// <summary>GET /v2/&lt;name&gt;/manifests/&lt;tag or digest&gt;; NotFound in Docker's words for an unknown one.</summary>
    public static async Task<FetchedManifest> FetchAsync(RegistrySession session, string reference, string familiar, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, session.Url("manifests/" + reference));
            foreach (var type in MediaTypes.Accepted)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }
            return request;
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var reason = RegistryErrors.Describe(await response.Content.ReadAsByteArrayAsync(cancellationToken)) ?? "manifest unknown";
            throw DriverException.NotFound($"manifest for {familiar} not found: {reason}");
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new DriverException(DriverErrorKind.Forbidden,
                $"pull access denied for {familiar}, repository does not exist or may require 'docker login': " +
                (RegistryErrors.Describe(await response.Content.ReadAsByteArrayAsync(cancellationToken)) ?? "unauthorized: authentication required"));
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"error fetching manifest for {familiar}", cancellationToken);
        }
        var bytes = await ReadLimitedAsync(response, ManifestParser.MaxManifestBytes, "manifest", cancellationToken);
        var digest = Sha256Digest.Of(bytes);
        if (reference.Contains(':') && reference != digest)
        {
            throw DriverException.InvalidArgument($"manifest verification failed for digest {reference}: the registry sent content with digest {digest}");
        }
        var mediaType = ManifestParser.MediaTypeOf(bytes, response.Content.Headers.ContentType?.MediaType);
        ManifestParser.EnsureSupported(mediaType);
        return new FetchedManifest(bytes, mediaType, digest);
    }

    /// <summary>A small blob (an image config), read whole and verified against its descriptor.</summary>
    public static async Task<byte[]> FetchBlobAsync(RegistrySession session, Descriptor blob, CancellationToken cancellationToken)
    {
        if (blob.Size > MaxConfigBytes)
        {
            throw DriverException.InvalidArgument($"config blob {blob.Digest} is too large ({blob.Size} bytes)");
        }
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, session.Url("blobs/" + blob.Digest)), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"error fetching blob {blob.Digest}", cancellationToken);
        }
        var bytes = await ReadLimitedAsync(response, MaxConfigBytes, "config", cancellationToken);
        if (Sha256Digest.Of(bytes) != blob.Digest)
        {
            throw DriverException.InvalidArgument($"image config verification failed for digest {blob.Digest}");
        }
        return bytes;
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, int limit, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw DriverException.InvalidArgument($"{what} too big: {response.Content.Headers.ContentLength} bytes, the limit is {limit}");
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw DriverException.InvalidArgument($"{what} too big: more than {limit} bytes");
            }
        }
        return buffer.ToArray();
    }
}
