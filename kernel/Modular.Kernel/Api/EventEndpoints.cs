using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Events;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>GET /events: the event bus as a stream of JSON objects, with since/until and Docker's filters.</summary>
public static class EventEndpoints
{
    private static readonly HashSet<string> FilterKeys = ["type", "container", "image", "event", "label", "network", "volume", "daemon", "scope"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/events", async (HttpContext context, EventBus bus, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) =>
        {
            var filters = DockerFilters.Parse(Query.String(context, "filters"));
            foreach (var key in filters.Keys.Where(k => !FilterKeys.Contains(k)))
            {
                throw DriverException.InvalidArgument($"invalid filter '{key}'");
            }
            var since = Query.UnixTime(context, "since");
            var until = Query.UnixTime(context, "until");
            var legacy = ApiVersioning.Of(context) < new Version(1, 52);
            var (past, live) = bus.Subscribe(since);
            try
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = HttpJson.ContentType;
                await context.Response.StartAsync();
                await context.Response.Body.FlushAsync();

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
                if (until is { } end)
                {
                    var wait = end - DateTimeOffset.UtcNow;
                    stop.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                }
                foreach (var engineEvent in past)
                {
                    await WriteIfMatchingAsync(context, engineEvent, filters, until, legacy);
                }
                await foreach (var engineEvent in live.ReadAllAsync(stop.Token))
                {
                    await WriteIfMatchingAsync(context, engineEvent, filters, until, legacy);
                }
            }
            catch (OperationCanceledException)
            {
                // until reached, or the client left.
            }
            finally
            {
                bus.Unsubscribe(live);
            }
        });
    }

    private static async Task WriteIfMatchingAsync(HttpContext context, EngineEvent engineEvent, DockerFilters filters, DateTimeOffset? until, bool legacy)
    {
        if (until is { } end && engineEvent.Time > end || !Matches(engineEvent, filters))
        {
            return;
        }
        var nanos = (engineEvent.Time - DateTimeOffset.UnixEpoch).Ticks * 100;
        var message = new EventMessage
        {
            Type = engineEvent.Type,
            Action = engineEvent.Action,
            Actor = new EventActor { ID = engineEvent.ActorId, Attributes = engineEvent.Attributes.ToDictionary() },
            Time = engineEvent.Time.ToUnixTimeSeconds(),
            TimeNano = nanos,
        };
        if (legacy && engineEvent.Type is "container" or "image")
        {
            message.Status = engineEvent.Action;
            message.Id = engineEvent.ActorId;
            message.From = engineEvent.Attributes.GetValueOrDefault("image");
        }
        await JsonSerializer.SerializeAsync(context.Response.Body, message, ApiJson.Default.EventMessage, context.RequestAborted);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static bool Matches(EngineEvent engineEvent, DockerFilters filters)
    {
        bool Allows(string key, Func<string, bool> match) => !filters.Contains(key) || filters.Get(key).Any(match);
        var name = engineEvent.Attributes.GetValueOrDefault("name") ?? "";
        return Allows("type", t => t == engineEvent.Type)
            && Allows("event", e => e == engineEvent.Action || engineEvent.Action.StartsWith(e + ":", StringComparison.Ordinal))
            && Allows("container", c => engineEvent.Type == "container" && (engineEvent.ActorId.StartsWith(c, StringComparison.Ordinal) || name == c))
            && Allows("image", i => engineEvent.Attributes.GetValueOrDefault("image") == i || engineEvent.ActorId == i)
            && Allows("network", n => engineEvent.Type == "network" && (engineEvent.ActorId.StartsWith(n, StringComparison.Ordinal) || name == n))
            && Allows("scope", s => s == "local")
            && Allows("label", l => l.Split('=', 2) is var kv && engineEvent.Attributes.TryGetValue(kv[0], out var v) && (kv.Length == 1 || v == kv[1]));
    }
}
