using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Streams;
using Modular.Kernel.Containers;
using Modular.Kernel.Streams;
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
        await using var session = await HijackedSession.OpenAsync(context, container.Config.Tty);
        if (wantStdin && container.Config.OpenStdin)
        {
            session.ForwardStdin(handle.Stdin, container.Config.StdinOnce, DetachKeys.Parse(Query.String(context, "detachKeys")),
                () => containers.Publish(container, "detach"));
        }
        try
        {
            await session.PumpOutputAsync(output);
        }
        finally
        {
            handle.Hub.Unsubscribe(output);
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
