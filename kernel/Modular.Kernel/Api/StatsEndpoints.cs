using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Stats;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// GET /containers/{id}/stats as dockerd answers it: a frame per second while streaming (zeros while the container is
/// not running, ending when it is removed or the client leaves); with stream=false one frame, taken over a second so
/// it carries the previous sample for CPU %, or at once without it with one-shot=true.
/// </summary>
public static class StatsEndpoints
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // CPU % needs two samples. A sample taken by an earlier request up to this long ago serves as the first one, so a
    // repeated `docker stats --no-stream` answers at once instead of waiting another interval.
    private static readonly TimeSpan ReusableAge = TimeSpan.FromSeconds(10);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset Taken, ContainerStats Sample)> Recent = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        var sampler = ContainerStatsSampler.ForHost();
        app.MapGet("/containers/{id}/stats", async (HttpContext context, string id, ContainerService containers, IHostApplicationLifetime lifetime) =>
        {
            var container = containers.Store.Get(id);
            var stream = Query.Bool(context, "stream", fallback: true);
            var oneShot = Query.Bool(context, "one-shot");
            if (stream && oneShot)
            {
                throw DriverException.InvalidArgument("cannot have stream=true and one-shot=true");
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = HttpJson.ContentType;
            if (!stream)
            {
                var first = SampleOrZeros(sampler, containers, container);
                if (!oneShot && first.Read != ContainerStats.NoTime)
                {
                    var now = DateTimeOffset.UtcNow;
                    if (Recent.TryGetValue(container.Id, out var earlier) && now - earlier.Taken is var age && age > TimeSpan.FromMilliseconds(200) && age < ReusableAge)
                    {
                        first = FollowedBy(earlier.Sample, first);
                    }
                    else
                    {
                        await Task.Delay(Interval, context.RequestAborted);
                        first = FollowedBy(first, SampleOrZeros(sampler, containers, container));
                    }
                    Remember(container.Id, first);
                }
                await WriteFrameAsync(context, first);
                return;
            }

            await context.Response.StartAsync(context.RequestAborted);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var removed = containers.HandleOf(container).Removed;
            var previous = new ContainerStats();
            try
            {
                while (!removed.IsCompleted)
                {
                    var frame = FollowedBy(previous, SampleOrZeros(sampler, containers, container));
                    Remember(container.Id, frame);
                    await WriteFrameAsync(context, frame);
                    previous = frame;
                    var tick = Task.Delay(Interval, stop.Token);
                    await Task.WhenAny(tick, removed);
                    if (tick.IsCanceled)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The client left or the daemon stops.
            }
            catch (IOException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client left in the middle of a frame.
            }
        });
    }

    private static void Remember(string containerId, ContainerStats sample)
    {
        var now = DateTimeOffset.UtcNow;
        Recent[containerId] = (now, sample);
        // Entries of containers nobody asks about any more (removed ones included) are dropped once stale.
        foreach (var (id, entry) in Recent)
        {
            if (now - entry.Taken > ReusableAge)
            {
                Recent.TryRemove(id, out _);
            }
        }
    }

    /// <summary>A sample of a running (or paused) container; a frame of zeros with only name and id otherwise, as dockerd sends.</summary>
    private static ContainerStats SampleOrZeros(ContainerStatsSampler sampler, ContainerService containers, Container container)
    {
        var frame = new ContainerStats();
        var pid = containers.HandleOf(container).Pid is var handlePid and > 0 ? handlePid : container.State.Pid;
        if (container.State.Status is ContainerStatus.Running or ContainerStatus.Paused && pid > 0)
        {
            try
            {
                frame = sampler.Sample(container.Id, pid);
            }
            catch (IOException)
            {
                // Its cgroup or process went away between the status check and the read: it has just stopped.
            }
        }
        frame.Name = "/" + container.Name;
        frame.Id = container.Id;
        return frame;
    }

    private static ContainerStats FollowedBy(ContainerStats previous, ContainerStats next)
    {
        next.PreRead = previous.Read;
        next.PreCpuStats = previous.CpuStats;
        return next;
    }

    private static async Task WriteFrameAsync(HttpContext context, ContainerStats frame)
    {
        await JsonSerializer.SerializeAsync(context.Response.Body, frame, ApiJson.Default.ContainerStats, context.RequestAborted);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
