using Microsoft.Extensions.Logging;
using Modular.Kernel.Images.Distribution;
using Modular.Sdk;
using ZstdSharp;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    private BlobRecords? _blobRecords;

    /// <summary>The compressed forms of the layers, beside the image store (<c>&lt;image root&gt;/distribution/</c>).</summary>
    private BlobRecords Blobs
    {
        get
        {
            lock (_gate)
            {
                return _blobRecords ??= new BlobRecords(Path.Combine(Path.GetDirectoryName(_temporaryFolder)!, "distribution"));
            }
        }
    }

    /// <summary>
    /// <c>docker pull</c>: resolves <paramref name="reference"/> (a tag or a digest) on its registry (mirrors first, then
    /// https, then http for an insecure registry), picks the manifest for <paramref name="platform"/> from a list or
    /// index, downloads the missing layers in parallel while extracting them in order, verifies every blob against its
    /// digest and every layer against the config's diff id, and only then stores the image, its tag and its repo
    /// digest. A failure leaves nothing behind and the previous tag untouched.
    /// </summary>
    internal async Task PullAsync(ImageReference reference, Platform platform, bool platformGiven, RegistryCredentials credentials,
        RegistrySettings settings, RegistryHttp http, Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        ForgetBlobsOfRemovedLayers();
        Exception? lastError = null;
        foreach (var endpoint in settings.EndpointsFor(reference.Domain, forPush: false))
        {
            var session = new RegistrySession(http, endpoint, reference.Path, push: false, credentials);
            try
            {
                await session.PingAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or DriverException && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug("Registry endpoint {Endpoint} failed: {Error}", endpoint, e.Message);
                lastError = lastError is null || !endpoint.IsMirror ? e : lastError;
                continue;
            }
            try
            {
                await PullFromAsync(session, reference, platform, platformGiven, settings, report, cancellationToken);
                return;
            }
            catch (Exception e) when (endpoint.IsMirror && e is HttpRequestException or DriverException && !cancellationToken.IsCancellationRequested)
            {
                // A mirror that lacks the image or fails is skipped; the registry itself is asked next.
                _logger.LogDebug("Mirror {Endpoint} failed for {Reference}: {Error}", endpoint, reference, e.Message);
                lastError = e;
            }
        }
        throw lastError switch
        {
            DriverException driver => driver,
            HttpRequestException http2 => new DriverException(DriverErrorKind.Unavailable, http2.Message),
            _ => new DriverException(DriverErrorKind.Unavailable, $"no endpoint of {reference.Domain} answered"),
        };
    }

    /// <summary>Manifests and configs are retried as layers are: 5xx and broken connections, max-download-attempts times.</summary>
    private static Task<T> WithRetriesAsync<T>(Func<Task<T>> fetch, string failure, RegistrySettings settings, CancellationToken cancellationToken) =>
        RegistryRetry.RunAsync(_ => fetch(), settings.MaxDownloadAttempts, settings.RetryDelay, failure, null, cancellationToken);

    private async Task PullFromAsync(RegistrySession session, ImageReference reference, Platform platform, bool platformGiven,
        RegistrySettings settings, Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        var familiar = reference.Familiar;
        var top = await WithRetriesAsync(() => ManifestFetcher.FetchAsync(session, reference.Digest ?? reference.Tag ?? ImageReference.DefaultTag, familiar,
            cancellationToken), $"failed to fetch the manifest of {familiar}", settings, cancellationToken);
        var manifestBytes = top;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            var entry = ManifestParser.SelectPlatform(ManifestParser.ParseIndex(top.Bytes, top.MediaType), platform);
            manifestBytes = await WithRetriesAsync(() => ManifestFetcher.FetchAsync(session, entry.Digest, familiar, cancellationToken),
                $"failed to fetch manifest {entry.Digest}", settings, cancellationToken);
            if (!MediaTypes.IsImageManifest(manifestBytes.MediaType))
            {
                throw DriverException.InvalidArgument($"manifest list entry {entry.Digest} is not an image manifest ({manifestBytes.MediaType})");
            }
        }
        var manifest = ManifestParser.ParseManifest(manifestBytes.Bytes, manifestBytes.MediaType);
        if (manifest.Layers.FirstOrDefault(layer => layer.MediaType == MediaTypes.DockerForeignLayer || layer.Urls is { Count: > 0 }) is { } foreign)
        {
            throw DriverException.InvalidArgument($"foreign layer {foreign.Digest} cannot be pulled: only Windows images use them");
        }
        var configBytes = await WithRetriesAsync(() => ManifestFetcher.FetchBlobAsync(session, manifest.Config, cancellationToken),
            $"failed to fetch config {manifest.Config.Digest}", settings, cancellationToken);
        var config = ImageConfigJson.Parse(configBytes);
        if (config.Os.Length > 0 && config.Os != "linux")
        {
            throw DriverException.InvalidArgument($"image operating system \"{config.Os}\" cannot be used on this platform");
        }
        if (platformGiven && !MediaTypes.IsIndex(top.MediaType) &&
            !platform.Matches(new Platform(config.Os, config.Architecture, config.Variant)))
        {
            throw DriverException.NotFound(
                $"image with reference {familiar} was found but does not match the specified platform: wanted {platform}, actual: {config.Os}/{config.Architecture}");
        }
        if (config.DiffIds.Count != manifest.Layers.Count)
        {
            throw DriverException.InvalidArgument(
                $"layers from manifest don't match image configuration: {manifest.Layers.Count} layers, {config.DiffIds.Count} diff ids");
        }

        report(new TransferEvent(reference.Digest ?? reference.Tag, $"Pulling from {reference.Path}"));
        var imageId = Sha256Digest.Of(configBytes);
        var lease = new LayerLease();
        var downloads = new List<BlobDownload>();
        try
        {
            var (parent, firstMissing) = ReuseExistingLayers(config.DiffIds, manifest.Layers, lease, report);
            await DownloadAndRegisterAsync(session, settings, manifest.Layers, config.DiffIds, firstMissing, parent, lease, downloads, report, cancellationToken);

            var repository = $"{reference.Domain}/{reference.Path}";
            for (var i = firstMissing; i < manifest.Layers.Count; i++)
            {
                Blobs.Keep(manifest.Layers[i].Digest, downloads[i - firstMissing].FilePath);
            }
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                Blobs.Remember(config.DiffIds[i], layer.Digest, layer.MediaType, layer.Size, repository);
            }
            var references = new List<ImageReference> { reference.WithDigest(top.Digest) };
            bool upToDate;
            lock (_gate)
            {
                upToDate = _images.ContainsKey(imageId) && (reference.Tag is null || _references.Get(reference) == imageId);
            }
            if (reference.Tag is not null)
            {
                references.Add(reference);
            }
            Commit(configBytes, config, references, []);
            report(new TransferEvent(null, $"Digest: {top.Digest}"));
            report(new TransferEvent(null, upToDate ? $"Status: Image is up to date for {familiar}" : $"Status: Downloaded newer image for {familiar}"));
        }
        catch (Exception e) when (RegistryErrors.IsDiskFull(e))
        {
            // The lease and the temp files are released below, so the space the pull took is given back.
            _logger.LogWarning(e, "Pull of {Reference} ran out of disk space", familiar);
            throw new DriverException(DriverErrorKind.Internal, $"failed to register layer: {familiar}: no space left on device", e);
        }
        finally
        {
            ReleaseLease(lease);
            foreach (var download in downloads)
            {
                File.Delete(download.FilePath);
            }
        }
    }

    /// <summary>Drops the blob records (and kept blobs) of layers removed since, so rmi eventually frees their space too.</summary>
    private void ForgetBlobsOfRemovedLayers()
    {
        var live = _layers.AllTopFirst().Select(chainId => _layers.Get(chainId)?.DiffId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Blobs.RemoveExcept(live);
    }

    /// <summary>Leases the bottom layers this engine already has ("Already exists"); returns the top one of them, or null.</summary>
    private (LayerRecord? Top, int Count) ReuseExistingLayers(IReadOnlyList<string> diffIds, IReadOnlyList<Descriptor> layers, LayerLease lease,
        Action<TransferEvent> report)
    {
        LayerRecord? top = null;
        var chainIds = ChainId.All(diffIds);
        var count = 0;
        for (; count < chainIds.Count; count++)
        {
            if (_layers.TryReuse(chainIds[count], lease) is not { } existing)
            {
                break;
            }
            top = existing;
            report(new TransferEvent(Sha256Digest.Short(layers[count].Digest), "Already exists"));
        }
        return (top, count);
    }

    /// <summary>
    /// Downloads the layers from <paramref name="firstMissing"/> up, at most max-concurrent-downloads at a time, while
    /// one worker thread extracts them bottom first, each following its download as the bytes arrive.
    /// </summary>
    private async Task DownloadAndRegisterAsync(RegistrySession session, RegistrySettings settings, IReadOnlyList<Descriptor> layers,
        IReadOnlyList<string> diffIds, int firstMissing, LayerRecord? parent, LayerLease lease, List<BlobDownload> downloads,
        Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        if (firstMissing >= layers.Count)
        {
            return;
        }
        for (var i = firstMissing; i < layers.Count; i++)
        {
            var path = Path.Combine(_temporaryFolder, "pull-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
            downloads.Add(new BlobDownload(layers[i], path));
            report(new TransferEvent(Sha256Digest.Short(layers[i].Digest), "Pulling fs layer"));
        }
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(settings.MaxConcurrentDownloads);
        var downloadTasks = downloads.Select(download => DownloadOneAsync(download, session, settings, slots, report, failed.Token)).ToArray();
        var register = Task.Factory.StartNew(() =>
        {
            var current = parent;
            for (var i = firstMissing; i < layers.Count; i++)
            {
                var download = downloads[i - firstMissing];
                var id = Sha256Digest.Short(layers[i].Digest);
                var size = layers[i].Size;
                var extracting = new ProgressThrottle(report, id, "Extracting");
                using var followed = new CountingReadStream(new BufferedStream(download.OpenReader(), 1 << 20), read => extracting.Report(read, size));
                using var decompressed = IsZstd(layers[i].MediaType) ? new DecompressionStream(followed) : (Stream)followed;
                current = _layers.Register(decompressed, current, diffIds[i], i, lease);
                report(new TransferEvent(id, "Pull complete"));
            }
        }, failed.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(downloadTasks.Append(register));
        }
        catch
        {
            await failed.CancelAsync();
            await Task.WhenAll(downloadTasks.Append(register)).ContinueWith(_ => { }, TaskScheduler.Default);
            // The first failure in layer order is the cause; later ones are mostly the cancellation it triggered.
            var cause = downloadTasks.Append(register).Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }
            throw;
        }
    }

    private static async Task DownloadOneAsync(BlobDownload download, RegistrySession session, RegistrySettings settings, SemaphoreSlim slots,
        Action<TransferEvent> report, CancellationToken cancellationToken)
    {
        var id = Sha256Digest.Short(download.Blob.Digest);
        if (slots.CurrentCount == 0)
        {
            report(new TransferEvent(id, "Waiting"));
        }
        await slots.WaitAsync(cancellationToken);
        try
        {
            var downloading = new ProgressThrottle(report, id, "Downloading");
            await download.RunAsync(session, settings, downloading.Report, status => report(new TransferEvent(id, status)), cancellationToken);
            report(new TransferEvent(id, "Verifying Checksum"));
            report(new TransferEvent(id, "Download complete"));
        }
        finally
        {
            slots.Release();
        }
    }

    private static bool IsZstd(string mediaType) => mediaType.EndsWith("+zstd", StringComparison.Ordinal);
}
