using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Images.Distribution;
using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// <c>docker push</c>: uploads the layers of <paramref name="name"/> (with <paramref name="tag"/>, or every tag of
    /// the repository when neither names one) that the repository lacks, at most max-concurrent-uploads at a time:
    /// a blob the repository has is skipped, one known in another repository of the registry is mounted, a blob kept
    /// from a pull is sent unchanged, and any other layer is compressed while it is sent. Then the config and the
    /// manifest; the manifest's digest becomes a repo digest of the image.
    /// </summary>
    internal async Task PushAsync(string name, string? tag, RegistryCredentials credentials, RegistrySettings settings, RegistryHttp http,
        Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(name);
        if (!string.IsNullOrEmpty(tag))
        {
            reference = reference.WithTag(tag);
        }
        var targets = PushTargets(reference);
        ForgetBlobsOfRemovedLayers();
        var repository = $"{reference.Domain}/{reference.Path}";
        var mountSources = targets.SelectMany(target => target.Image.Config.DiffIds).Distinct()
            .SelectMany(diffId => Blobs.ForDiffId(diffId)).SelectMany(record => record.Repositories)
            .Where(source => source != repository && source.StartsWith(reference.Domain + "/", StringComparison.Ordinal))
            .Select(source => source[(reference.Domain.Length + 1)..]).Distinct().ToList();

        var session = await OpenPushSessionAsync(reference, credentials, settings, http, mountSources, cancellationToken);
        report(new TransferEvent(null, $"The push refers to repository [{reference.Repository}]"));
        foreach (var target in targets)
        {
            await PushImageAsync(session, target.Tag, target.Image, settings, report, cancellationToken);
        }
    }

    private IReadOnlyList<(ImageReference Tag, StoredImage Image)> PushTargets(ImageReference reference)
    {
        lock (_gate)
        {
            if (reference.Tag is not null || reference.Digest is not null)
            {
                var id = _references.Get(reference);
                return id is not null && _images.TryGetValue(id, out var image)
                    ? [(reference, image)]
                    : throw DriverException.NotFound($"An image does not exist locally with the tag: {reference.FamiliarRepository}");
            }
            var all = _images.Values
                .SelectMany(image => _references.ReferencesTo(image.Id).Where(r => r.Tag is not null && r.Repository == reference.Repository)
                    .Select(r => (r, image)))
                .OrderBy(pair => pair.r.Tag, StringComparer.Ordinal).ToArray();
            return all.Length > 0 ? all : throw DriverException.NotFound($"An image does not exist locally with the tag: {reference.FamiliarRepository}");
        }
    }

    private static async Task<RegistrySession> OpenPushSessionAsync(ImageReference reference, RegistryCredentials credentials, RegistrySettings settings,
        RegistryHttp http, IReadOnlyList<string> mountSources, CancellationToken cancellationToken)
    {
        Exception? lastError = null;
        foreach (var endpoint in settings.EndpointsFor(reference.Domain, forPush: true))
        {
            var session = new RegistrySession(http, endpoint, reference.Path, push: true, credentials);
            session.ExtraPullScopes.AddRange(mountSources);
            try
            {
                await session.PingAsync(cancellationToken);
                return session;
            }
            catch (HttpRequestException e)
            {
                lastError = e;
            }
        }
        throw new DriverException(DriverErrorKind.Unavailable, lastError?.Message ?? $"no endpoint of {reference.Domain} answered");
    }

    private async Task PushImageAsync(RegistrySession session, ImageReference tag, StoredImage image, RegistrySettings settings,
        Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        var lease = new LayerLease();
        try
        {
            var layers = image.ChainIds.Select(chainId => _layers.TryReuse(chainId, lease)
                ?? throw DriverException.NotFound($"layer {chainId} of image {image.Id} does not exist")).ToArray();
            foreach (var layer in layers)
            {
                report(new TransferEvent(Sha256Digest.Short(layer.DiffId), "Preparing"));
            }
            using var slots = new SemaphoreSlim(settings.MaxConcurrentUploads);
            // Docker reports the top layer first; uploads start in the same order.
            var pushes = layers.Select((layer, index) => (layer, index)).Reverse()
                .Select(pair => PushLayerAsync(session, pair.layer, layers, slots, settings, report, cancellationToken)).Reverse().ToArray();
            var blobs = await Task.WhenAll(pushes);

            var contentDiffIds = blobs.Select(blob => blob.DiffId).ToArray();
            var configBytes = contentDiffIds.SequenceEqual(image.Config.DiffIds)
                ? image.Config.Raw.ToArray()
                : ConfigRewriter.WithDiffIds(image.Config.Raw, contentDiffIds);
            var configDigest = Sha256Digest.Of(configBytes);
            await RegistryRetry.RunAsync(async _ =>
            {
                if (!await BlobUploader.ExistsAsync(session, configDigest, cancellationToken))
                {
                    var location = await BlobUploader.StartAsync(session, cancellationToken);
                    await BlobUploader.PutAsync(session, location, configDigest, () => Octets(new ByteArrayContent(configBytes)), cancellationToken);
                }
                return true;
            }, settings.MaxUploadAttempts, settings.RetryDelay, $"failed to upload the config of {tag.Familiar}", null, cancellationToken);
            var (manifest, mediaType) = ManifestWriter.Write(new Descriptor(MediaTypes.DockerConfig, configDigest, configBytes.Length),
                blobs.Select(blob => new Descriptor(blob.MediaType, blob.Digest, blob.Size)).ToArray());
            var manifestDigest = Sha256Digest.Of(manifest);
            await RegistryRetry.RunAsync(async _ =>
            {
                using var response = await session.SendAsync(() =>
                {
                    var content = new ByteArrayContent(manifest);
                    content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                    return new HttpRequestMessage(HttpMethod.Put, session.Url("manifests/" + tag.Tag)) { Content = content };
                }, cancellationToken);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw await RegistryErrors.FromResponseAsync(response, $"error putting the manifest of {tag.Familiar}", cancellationToken);
                }
                return true;
            }, settings.MaxUploadAttempts, settings.RetryDelay, $"failed to put the manifest of {tag.Familiar}", null, cancellationToken);
            if (configDigest == image.Id)
            {
                lock (_gate)
                {
                    if (_images.ContainsKey(image.Id))
                    {
                        _references.Set(tag.WithDigest(manifestDigest), image.Id);
                    }
                }
            }
            report(new TransferEvent(null, $"{tag.Tag}: digest: {manifestDigest} size: {manifest.Length}"));
            report(new TransferEvent(null, "", Pushed: new PushResult(tag.Tag!, manifestDigest, manifest.Length)));
        }
        finally
        {
            ReleaseLease(lease);
        }
    }

    private async Task<UploadedBlob> PushLayerAsync(RegistrySession session, LayerRecord layer, IReadOnlyList<LayerRecord> layers, SemaphoreSlim slots,
        RegistrySettings settings, Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        var id = Sha256Digest.Short(layer.DiffId);
        if (slots.CurrentCount == 0)
        {
            report(new TransferEvent(id, "Waiting"));
        }
        await slots.WaitAsync(cancellationToken);
        try
        {
            var domain = RegistryDomain(session);
            var target = $"{domain}/{session.Repository}";
            var candidates = Blobs.ForDiffId(layer.DiffId);
            foreach (var known in candidates)
            {
                if (await BlobUploader.ExistsAsync(session, known.Digest, cancellationToken))
                {
                    Blobs.Remember(layer.DiffId, known.Digest, known.MediaType, known.Size, target, known.BlobDiffId);
                    report(new TransferEvent(id, "Layer already exists"));
                    return new UploadedBlob(known.Digest, known.Size, known.MediaType, known.BlobDiffId);
                }
            }
            Uri? openUpload = null;
            foreach (var known in candidates)
            {
                foreach (var source in known.Repositories.Where(r => r != target && r.StartsWith(domain + "/", StringComparison.Ordinal)))
                {
                    var sourcePath = source[(domain.Length + 1)..];
                    openUpload = await BlobUploader.TryMountAsync(session, known.Digest, sourcePath, cancellationToken);
                    if (openUpload is null)
                    {
                        Blobs.Remember(layer.DiffId, known.Digest, known.MediaType, known.Size, target, known.BlobDiffId);
                        report(new TransferEvent(id, $"Mounted from {sourcePath}"));
                        return new UploadedBlob(known.Digest, known.Size, known.MediaType, known.BlobDiffId);
                    }
                    break;
                }
                if (openUpload is not null)
                {
                    break;
                }
            }
            var pushing = new ProgressThrottle(report, id, "Pushing");
            var kept = candidates.FirstOrDefault(known => Blobs.Kept(known.Digest) is not null);
            var parentCacheId = layer.Parent is { } parent ? layers.First(l => l.ChainId == parent).CacheId : null;
            var uploaded = await RegistryRetry.RunAsync(async attempt =>
            {
                // A failed attempt may have left its upload session half-written: every retry opens a new one.
                var location = attempt == 1 && openUpload is not null ? openUpload : await BlobUploader.StartAsync(session, cancellationToken);
                if (kept is not null)
                {
                    var path = Blobs.Kept(kept.Digest) ?? throw DriverException.NotFound($"kept blob {kept.Digest} is gone");
                    await BlobUploader.PutAsync(session, location, kept.Digest,
                        () => Octets(new StreamContent(new CountingReadStream(File.OpenRead(path), sent => pushing.Report(sent, kept.Size)), 1 << 20)
                        {
                            Headers = { ContentLength = kept.Size },
                        }), cancellationToken);
                    return new UploadedBlob(kept.Digest, kept.Size, kept.MediaType, kept.BlobDiffId);
                }
                return await BlobUploader.StreamCompressedAsync(session, location, output => WriteLayerTar(layer, parentCacheId, output),
                    sent => pushing.Report(sent, layer.Size), cancellationToken);
            }, settings.MaxUploadAttempts, settings.RetryDelay, $"failed to upload layer {layer.DiffId}",
                message => report(new TransferEvent(id, message)), cancellationToken);
            Blobs.Remember(layer.DiffId, uploaded.Digest, uploaded.MediaType, uploaded.Size, target, uploaded.DiffId);
            report(new TransferEvent(id, "Pushed"));
            return uploaded;
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// The layer's tar exactly as it was registered, rebuilt from its recorded layout; for a layer stored without one
    /// (by an earlier version), the storage driver's diff, whose different diff id the pushed config then carries.
    /// </summary>
    private void WriteLayerTar(LayerRecord layer, string? parentCacheId, Stream output)
    {
        try
        {
            _layers.WriteTar(layer, output);
            return;
        }
        catch (DriverException e) when (e.Kind == DriverErrorKind.NotFound && output.Position == 0)
        {
            _logger.LogInformation("Layer {DiffId} has no recorded tar layout; pushing the storage driver's diff of it", layer.DiffId);
        }
        using var diff = _driver.Diff(layer.CacheId, parentCacheId);
        diff.CopyTo(output, 1 << 20);
    }

    /// <summary>The registry's name as references spell it (docker.io for Docker Hub), for the blob records.</summary>
    private static string RegistryDomain(RegistrySession session) =>
        session.Endpoint.BaseUri.Authority == RegistrySettings.DockerHubHost ? ImageReference.DefaultDomain : session.Endpoint.BaseUri.Authority;

    private static HttpContent Octets(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
