using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Streams;
using Modular.Kernel.Containers;
using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Api;

/// <summary>The streaming container endpoints: attach (a hijacked, bidirectional connection) and logs.</summary>
public static class StreamEndpoints
{
    private const string Multiplexed = "application/vnd.docker.multiplexed-stream";
    private const string Raw = "application/vnd.docker.raw-stream";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/{id}/attach", Attach);
        app.MapGet("/containers/{id}/logs", Logs);
    }

    private static async Task Attach(HttpContext context, string id, ContainerService containers)
    {
        var container = containers.Store.Get(id);
        var wantStdin = Query.Bool(context, "stdin");
        var wantStdout = Query.Bool(context, "stdout");
        var wantStderr = Query.Bool(context, "stderr");
        if (container.State.Status == ContainerStatus.Paused)
        {
            throw DriverException.Conflict($"You cannot attach to a paused container, unpause it first");
        }
        var handle = containers.HandleOf(container);
        var output = handle.Hub.Subscribe(wantStdout, wantStderr);
        // Without a TTY the stream is always framed; only the media type announcing it changed, in API 1.42.
        var multiplexed = !container.Config.Tty;
        context.Response.Headers.ContentType = multiplexed && ApiVersioning.Of(context) >= new Version(1, 42) ? Multiplexed : Raw;

        Stream connection;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var upgraded = upgrade is { IsUpgradableRequest: true };
        if (upgraded)
        {
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = "tcp";
            connection = await upgrade!.UpgradeAsync();
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            await context.Response.StartAsync();
            connection = context.Response.Body;
        }

        // After an upgrade, RequestAborted fires when the client half-closes its side (the docker CLI does so at once
        // when it sends no stdin), yet output must keep flowing: a failed write is what tells us the client is gone.
        using var detached = upgraded ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (upgraded && wantStdin && container.Config.OpenStdin)
        {
            _ = Task.Run(() => PumpStdinAsync(connection, handle, container.Config.StdinOnce, detached.Token));
        }

        try
        {
            await foreach (var chunk in output.ReadAllAsync(detached.Token))
            {
                if (multiplexed)
                {
                    var kind = chunk.Source == LogSource.Stdout ? StdStreamKind.Stdout : StdStreamKind.Stderr;
                    await StdStreamFrames.WriteFrameAsync(connection, kind, chunk.Bytes, detached.Token);
                }
                else
                {
                    await connection.WriteAsync(chunk.Bytes, detached.Token);
                }
                await connection.FlushAsync(detached.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; the container goes on.
        }
        finally
        {
            handle.Hub.Unsubscribe(output);
            await detached.CancelAsync();
            if (upgraded)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task PumpStdinAsync(Stream connection, ContainerHandle handle, bool closeOnEof, CancellationToken cancellationToken)
    {
        try
        {
            var stdin = await handle.Stdin.WaitAsync(cancellationToken);
            if (stdin is null)
            {
                return;
            }
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await stdin.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stdin.FlushAsync(cancellationToken);
            }
            if (closeOnEof)
            {
                stdin.Close();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Either side closed; nothing more to forward.
        }
    }

    private static async Task Logs(HttpContext context, string id, ContainerService containers, ContainerRunner runner,
        Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    {
        var container = containers.Store.Get(id);
        var stdout = Query.Bool(context, "stdout");
        var stderr = Query.Bool(context, "stderr");
        if (!stdout && !stderr)
        {
            throw DriverException.InvalidArgument("Bad parameters: you must choose at least one stream");
        }
        var tailText = Query.String(context, "tail");
        int? tail = tailText is null or "" or "all" ? null
            : int.TryParse(tailText, out var n) ? (n < 0 ? null : n)
            : throw DriverException.InvalidArgument($"invalid value for tail: {tailText}");
        var follow = Query.Bool(context, "follow");
        var timestamps = Query.Bool(context, "timestamps");
        var reader = containers.Drivers.Logging(container.LogDriver).OpenReader(runner.LogContextOf(container))
            ?? throw DriverException.InvalidArgument($"configured logging driver does not support reading");

        var handle = containers.HandleOf(container);
        var running = ContainerLifecycle.IsActive(container.State.Status);
        var options = new LogReadOptions(
            Tail: tail,
            Since: Query.UnixTime(context, "since"),
            Until: Query.UnixTime(context, "until"),
            Follow: follow && running,
            WriterClosed: running ? handle.RunEnded : Task.CompletedTask);

        var multiplexed = !container.Config.Tty;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = multiplexed ? Multiplexed : Raw;
        await context.Response.StartAsync();
        var body = context.Response.Body;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await foreach (var message in reader.ReadAsync(options, stop.Token))
            {
                if (message.Source == LogSource.Stdout ? !stdout : !stderr)
                {
                    continue;
                }
                var payload = timestamps ? WithTimestamp(message) : message.Line;
                if (multiplexed)
                {
                    var kind = message.Source == LogSource.Stdout ? StdStreamKind.Stdout : StdStreamKind.Stderr;
                    await StdStreamFrames.WriteFrameAsync(body, kind, payload, context.RequestAborted);
                }
                else
                {
                    await body.WriteAsync(payload, context.RequestAborted);
                }
                if (follow)
                {
                    await body.FlushAsync(context.RequestAborted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client stopped following.
        }
    }

    private static ReadOnlyMemory<byte> WithTimestamp(LogMessage message)
    {
        var stamp = Encoding.ASCII.GetBytes(message.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff") + "00Z ");
        var combined = new byte[stamp.Length + message.Line.Length];
        stamp.CopyTo(combined, 0);
        message.Line.CopyTo(combined.AsMemory(stamp.Length));
        return combined;
    }
}
