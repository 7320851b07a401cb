using System.IO.Pipelines;
using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// <c>docker import</c>: makes an image of one layer from <paramref name="tar"/> (plain or gzip), applying
    /// <paramref name="changes"/> (Dockerfile lines: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR,
    /// STOPSIGNAL, ONBUILD), tags it with <paramref name="reference"/> when given (default tag latest), and returns the
    /// image id. <paramref name="message"/> defaults to Docker's "Imported from -"; <paramref name="platform"/>
    /// (<c>os/arch[/variant]</c>) to linux and this host's architecture. The stream is read once, asynchronously, so
    /// a request body can be passed as is.
    /// </summary>
    public async Task<string> ImportAsync(Stream tar, string? reference, IReadOnlyList<string> changes, string? message,
        string? platform = null, CancellationToken cancellationToken = default)
    {
        ImageReference? tag = null;
        if (!string.IsNullOrEmpty(reference))
        {
            tag = ImageReference.Parse(reference).WithDefaultTag();
            if (tag.Digest is not null)
            {
                throw DriverException.InvalidArgument("cannot import digest reference");
            }
        }
        var execution = ChangeCommands.Apply(new ImageExecutionConfig(), changes);
        var (os, architecture, variant) = ParsePlatform(platform);
        var comment = string.IsNullOrEmpty(message) ? "Imported from -" : message;

        var lease = new LayerLease();
        try
        {
            var layer = await ConsumeOnWorkerThread(tar, diff => _layers.Register(diff, null, null, 0, lease), cancellationToken);
            var created = DateTimeOffset.UtcNow;
            var configBytes = ImageConfigJson.Write(new ImageConfig
            {
                Architecture = architecture,
                Os = os,
                Variant = variant,
                Created = created,
                Comment = comment,
                Config = execution,
                DiffIds = [layer.DiffId],
                History = [new ImageHistoryEntry(created, null, null, comment, false)],
            });
            var config = ImageConfigJson.Parse(configBytes);
            return Commit(configBytes, config, tag is null ? [] : [tag], []);
        }
        finally
        {
            ReleaseLease(lease);
        }
    }

    private void ReleaseLease(LayerLease lease)
    {
        lock (_gate)
        {
            _layers.Release(lease, ReferencedChains());
        }
    }

    private static (string Os, string Architecture, string? Variant) ParsePlatform(string? platform)
    {
        if (string.IsNullOrEmpty(platform))
        {
            return ("linux", ArchiveManifest.HostArchitecture, null);
        }
        var parts = platform.ToLowerInvariant().Split('/');
        if (parts.Length is < 1 or > 3 || parts.Any(part => part.Length == 0))
        {
            throw DriverException.InvalidArgument($"invalid platform: \"{platform}\"");
        }
        if (parts[0] != "linux")
        {
            throw DriverException.InvalidArgument($"operating system is not supported: {parts[0]}");
        }
        return (parts[0], parts.Length > 1 ? parts[1] : ArchiveManifest.HostArchitecture, parts.Length > 2 ? parts[2] : null);
    }

    /// <summary>
    /// Storage drivers read layers synchronously, but a request body must be read asynchronously: the body is pumped
    /// into a pipe here while a worker thread feeds the pipe's other end to <paramref name="consume"/>.
    /// </summary>
    private static async Task<T> ConsumeOnWorkerThread<T>(Stream source, Func<Stream, T> consume, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var consumer = Task.Factory.StartNew(() =>
        {
            using var stream = pipe.Reader.AsStream();
            return consume(stream);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Exception? sourceError = null;
        try
        {
            await source.CopyToAsync(pipe.Writer, cancellationToken);
        }
        catch (Exception e)
        {
            sourceError = e;
        }
        await pipe.Writer.CompleteAsync(sourceError);
        return await consumer;
    }
}
