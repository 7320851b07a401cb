using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>A blob as it ended up in the registry: digest and size of what was sent, and the diff id of its content.</summary>
internal sealed record UploadedBlob(string Digest, long Size, string MediaType, string DiffId);

/// <summary>
/// The blob side of a push (distribution spec): HEAD to find blobs the repository already has, cross-repository
/// mount, monolithic upload of a file, and a streamed (chunked, one PATCH) upload of a layer compressed on the fly.
/// </summary>
internal static class BlobUploader
{
    public static async Task<bool> ExistsAsync(RegistrySession session, string digest, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, session.Url("blobs/" + digest)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"HEAD blob {digest}", cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// Asks the registry to mount <paramref name="digest"/> from <paramref name="fromRepository"/>. Returns null when it
    /// did; otherwise the location of the upload session the registry opened instead (to upload into).
    /// </summary>
    public static async Task<Uri?> TryMountAsync(RegistrySession session, string digest, string fromRepository, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Post,
            session.Url($"blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return null;
        }
        return await UploadLocationAsync(session, response, cancellationToken);
    }

    public static async Task<Uri> StartAsync(RegistrySession session, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, session.Url("blobs/uploads/")), cancellationToken);
        return await UploadLocationAsync(session, response, cancellationToken);
    }

    /// <summary>Uploads bytes in one PUT (configs, kept blobs).</summary>
    public static async Task PutAsync(RegistrySession session, Uri location, string digest, Func<HttpContent> content, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = content() },
            cancellationToken, replayable: false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"error uploading blob {digest}", cancellationToken);
        }
    }

    /// <summary>
    /// Streams the tar <paramref name="writeTar"/> writes in one PATCH, gzip-compressed at the fastest level unless a
    /// sample shows it incompressible (then plain: compression is what limits a push of such data), hashing the tar
    /// and the bytes sent in the same pass, then completes the upload with the digest.
    /// </summary>
    public static async Task<UploadedBlob> StreamCompressedAsync(RegistrySession session, Uri location, Action<Stream> writeTar, Action<long> progress,
        CancellationToken cancellationToken)
    {
        var content = new CompressingContent(writeTar, progress);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Uri next;
        using (var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, location) { Content = content },
            cancellationToken, replayable: false))
        {
            if (response.StatusCode != HttpStatusCode.Accepted && response.StatusCode != HttpStatusCode.NoContent)
            {
                throw await RegistryErrors.FromResponseAsync(response, "error uploading layer", cancellationToken);
            }
            next = response.Headers.Location is { } moved ? (moved.IsAbsoluteUri ? moved : new Uri(location, moved)) : location;
        }
        var blob = content.Result ?? throw new InvalidOperationException("the layer was not sent");
        using (var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(next, blob.Digest)), cancellationToken,
            replayable: false))
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw await RegistryErrors.FromResponseAsync(response, $"error completing upload of {blob.Digest}", cancellationToken);
            }
        }
        return blob;
    }

    private static async Task<Uri> UploadLocationAsync(RegistrySession session, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.Accepted || response.Headers.Location is not { } location)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"error starting an upload to {session.Repository}", cancellationToken);
        }
        return location.IsAbsoluteUri ? location : new Uri(session.Endpoint.BaseUri, location);
    }

    private static Uri WithDigest(Uri location, string digest) =>
        new(location + (string.IsNullOrEmpty(location.Query) ? "?" : "&") + "digest=" + Uri.EscapeDataString(digest));

    /// <summary>The request body of a streamed layer: the tar, gzip-compressed while it is sent; digests when done.</summary>
    private sealed class CompressingContent(Action<Stream> writeTar, Action<long> progress) : HttpContent
    {
        public UploadedBlob? Result { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            // Storage drivers produce tars synchronously: run the whole copy on a thread of its own.
            Task.Factory.StartNew(() => Copy(stream, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private void Copy(Stream network, CancellationToken cancellationToken)
        {
            using var sent = new HashingWriteStream(network);
            string diffId;
            bool compressed;
            using (var encoder = new SampledEncoder(sent))
            {
                using (var tar = new HashingWriteStream(encoder, progress, cancellationToken))
                {
                    writeTar(tar);
                    diffId = tar.Digest();
                }
                encoder.Complete();
                compressed = encoder.Compressed;
            }
            Result = new UploadedBlob(sent.Digest(), sent.Written, compressed ? MediaTypes.DockerLayerGzip : MediaTypes.DockerLayerTar, diffId);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>
    /// Chooses a layer's encoding from its first bytes: they are compressed on trial (gzip, fastest level), and when
    /// that saves less than a tenth the layer is sent as a plain tar (Docker's uncompressed layer media type), since
    /// compressing incompressible data (media, archives, binaries already packed) costs CPU and gains nothing.
    /// </summary>
    private sealed class SampledEncoder(Stream output) : Stream
    {
        private const int SampleSize = 4 << 20;
        private readonly MemoryStream _sample = new();
        private Stream? _sink;

        public bool Compressed { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_sink is not null)
            {
                _sink.Write(buffer);
                return;
            }
            _sample.Write(buffer);
            if (_sample.Length >= SampleSize)
            {
                Decide();
            }
        }

        /// <summary>Sends what is still held back and ends the gzip stream, if any.</summary>
        public void Complete()
        {
            if (_sink is null)
            {
                Decide();
            }
            if (_sink != output)
            {
                _sink!.Dispose();
            }
        }

        private void Decide()
        {
            var trial = new MemoryStream();
            using (var gzip = new GZipStream(trial, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(_sample.GetBuffer(), 0, (int)_sample.Length);
            }
            Compressed = _sample.Length == 0 || trial.Length < _sample.Length * 9 / 10;
            _sink = Compressed ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : output;
            _sink.Write(_sample.GetBuffer(), 0, (int)_sample.Length);
            _sample.SetLength(0);
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A write-only pass-through that hashes and counts what goes through it.</summary>
    private sealed class HashingWriteStream(Stream inner, Action<long>? progress = null, CancellationToken cancellationToken = default) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Written { get; private set; }

        public string Digest() => Sha256Digest.Prefix + Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _hash.AppendData(buffer);
            Written += buffer.Length;
            inner.Write(buffer);
            progress?.Invoke(Written);
        }

        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
