using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// One blob downloaded into a file while a reader (the layer extraction) follows behind it, so unpacking runs
/// during the download rather than after it. The bytes are hashed as they arrive; the reader sees the end of the
/// blob only once the digest and size matched, and an error instead when they did not, so nothing unverified is
/// ever committed. A broken transfer is resumed with a Range request, up to the configured number of attempts.
/// </summary>
internal sealed class BlobDownload
{
    private const int ChunkSize = 1 << 20;
    private readonly object _sync = new();
    private long _written;
    private bool _finished;
    private Exception? _failure;

    public BlobDownload(Descriptor blob, string path)
    {
        Blob = blob;
        FilePath = path;
        using (File.Create(path))
        {
        }
    }

    public Descriptor Blob { get; }

    /// <summary>The file holding the blob's bytes; complete and verified once <see cref="RunAsync"/> succeeded.</summary>
    public string FilePath { get; }

    /// <summary>Downloads and verifies the blob; on failure the reader gets the same error. Never throws for cancellation without telling the reader.</summary>
    public async Task RunAsync(RegistrySession session, RegistrySettings settings, Action<long, long> progress, Action<string> status,
        CancellationToken cancellationToken)
    {
        try
        {
            await DownloadAsync(session, settings, progress, status, cancellationToken);
            lock (_sync)
            {
                _finished = true;
                Monitor.PulseAll(_sync);
            }
        }
        catch (Exception e)
        {
            lock (_sync)
            {
                _failure = e;
                Monitor.PulseAll(_sync);
            }
            throw;
        }
    }

    /// <summary>A stream of the blob's bytes as they arrive; blocks until more are written, ends only after verification.</summary>
    public Stream OpenReader() => new FollowingReader(this);

    private async Task DownloadAsync(RegistrySession session, RegistrySettings settings, Action<long, long> progress, Action<string> status,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(FilePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
        var buffer = new byte[ChunkSize];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TransferAsync(session, hash, file, buffer, progress, cancellationToken);
                break;
            }
            catch (Exception e) when (RegistryErrors.IsTransient(e) && attempt < settings.MaxDownloadAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = settings.RetryDelay * Math.Pow(2, attempt - 1);
                status($"Retrying in {Math.Ceiling(delay.TotalSeconds)} second{(delay.TotalSeconds > 1 ? "s" : "")}");
                await Task.Delay(delay, cancellationToken);
            }
            catch (Exception e) when (RegistryErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                throw new DriverException(DriverErrorKind.Unavailable,
                    $"failed to download blob {Blob.Digest} after {attempt} attempts: {e.Message}");
            }
        }
        var digest = Sha256Digest.Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (digest != Blob.Digest || _written != Blob.Size)
        {
            throw DriverException.InvalidArgument(
                $"filesystem layer verification failed for digest {Blob.Digest} (got {digest}, {_written} of {Blob.Size} bytes)");
        }
    }

    private async Task TransferAsync(RegistrySession session, IncrementalHash hash, FileStream file, byte[] buffer, Action<long, long> progress,
        CancellationToken cancellationToken)
    {
        var resumeAt = Volatile.Read(ref _written);
        using var response = await session.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, session.Url("blobs/" + Blob.Digest));
            if (resumeAt > 0)
            {
                request.Headers.Range = new RangeHeaderValue(resumeAt, null);
            }
            return request;
        }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"error pulling blob {Blob.Digest}", cancellationToken);
        }
        // A registry that ignores Range sends everything again: skip what we already have.
        var skip = resumeAt > 0 && response.StatusCode != HttpStatusCode.PartialContent ? resumeAt : 0;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            var chunk = buffer.AsMemory(0, read);
            if (skip > 0)
            {
                var dropped = (int)Math.Min(skip, read);
                skip -= dropped;
                chunk = chunk[dropped..];
            }
            if (chunk.Length == 0)
            {
                continue;
            }
            if (_written + chunk.Length > Blob.Size)
            {
                throw DriverException.InvalidArgument($"blob {Blob.Digest} is larger than the {Blob.Size} bytes its descriptor declares");
            }
            await file.WriteAsync(chunk, cancellationToken);
            hash.AppendData(chunk.Span);
            lock (_sync)
            {
                _written += chunk.Length;
                Monitor.PulseAll(_sync);
            }
            progress(_written, Blob.Size);
        }
        if (_written < Blob.Size)
        {
            throw new IOException($"connection closed after {_written} of {Blob.Size} bytes of blob {Blob.Digest}");
        }
    }

    private sealed class FollowingReader(BlobDownload download) : Stream
    {
        private readonly FileStream _file = new(download.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0);
        private long _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }
            lock (download._sync)
            {
                while (download._written <= _position && download._failure is null && !download._finished)
                {
                    Monitor.Wait(download._sync);
                }
                if (download._failure is { } failure)
                {
                    throw failure is DriverException ? failure : new IOException(failure.Message, failure);
                }
                if (download._written <= _position)
                {
                    return 0;
                }
            }
            var available = (int)Math.Min(buffer.Length, download._written - _position);
            var read = _file.Read(buffer[..available]);
            _position += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _file.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
