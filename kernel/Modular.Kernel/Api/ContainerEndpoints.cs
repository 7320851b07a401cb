using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>The container lifecycle endpoints: create, start, stop, kill, restart, wait, list, inspect, delete.</summary>
public static class ContainerEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/create", async (HttpContext context, ContainerService containers) =>
        {
            var request = await HttpJson.ReadAsync(context, ApiJson.Default.ContainerCreateRequest);
            Containers.Mounts.LegacyReadOnlyBinds.Check(request, ApiVersioning.Of(context));
            var created = containers.Create(Query.String(context, "name"), request);
            Containers.Mounts.LegacyReadOnlyBinds.Apply(containers.Store.Get(created.Id), containers.Store, ApiVersioning.Of(context));
            await HttpJson.WriteAsync(context, StatusCodes.Status201Created, created, ApiJson.Default.ContainerCreateResponse);
        });

        app.MapPost("/containers/{id}/start", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            if (context.Request.ContentLength is > 0 && context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
            {
                // Since API 1.24 a start body (HostConfig) is refused; docker CLI never sends one.
                using var reader = new StreamReader(context.Request.Body);
                var body = (await reader.ReadToEndAsync()).Trim();
                if (body is not ("" or "null" or "{}"))
                {
                    throw DriverException.InvalidArgument("starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24");
                }
            }
            var started = await runner.StartAsync(id, context.RequestAborted);
            context.Response.StatusCode = started ? StatusCodes.Status204NoContent : StatusCodes.Status304NotModified;
        });

        app.MapPost("/containers/{id}/stop", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            var stopped = await runner.StopAsync(id, Query.Int(context, "t"), Query.String(context, "signal"), CancellationToken.None);
            context.Response.StatusCode = stopped ? StatusCodes.Status204NoContent : StatusCodes.Status304NotModified;
        });

        app.MapPost("/containers/{id}/restart", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            await runner.RestartAsync(id, Query.Int(context, "t"), Query.String(context, "signal"), CancellationToken.None);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/containers/{id}/kill", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            await runner.KillAsync(id, Query.String(context, "signal"));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/containers/{id}/wait", async (HttpContext context, string id, ContainerService containers, ContainerRunner runner) =>
        {
            var container = containers.Store.Get(id);
            var condition = Query.String(context, "condition") ?? "";
            if (condition is not ("" or "not-running" or "next-exit" or "removed"))
            {
                throw DriverException.InvalidArgument($"invalid condition: \"{condition}\"");
            }
            var waiting = runner.WaitAsync(container, condition, context.RequestAborted);
            // The client learns that the wait is registered from the headers (API >= 1.30), so they go out now.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = HttpJson.ContentType;
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            var exitCode = await waiting;
            // A start failure is reported by the start request itself (as dockerd does), not again by the wait.
            var response = new ContainerWaitResponse { StatusCode = exitCode };
            await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, response, ApiJson.Default.ContainerWaitResponse);
        });

        app.MapGet("/containers/json", (HttpContext context, ContainerService containers) =>
        {
            var filters = new ContainerFilters(Query.String(context, "filters"), containers.Store, containers.Images.IdsMatching);
            var all = Query.Bool(context, "all") || filters.ImpliesAll;
            var limit = Query.Int(context, "limit") ?? -1;
            var withSize = Query.Bool(context, "size");
            var now = DateTimeOffset.UtcNow;
            var endpoints = containers.Networking.Endpoints.ByContainer();
            var list = containers.Store.All
                .Where(c => all || c.State.Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting)
                .Where(filters.Matches)
                .OrderByDescending(c => c.Created)
                .Take(limit > 0 ? limit : int.MaxValue)
                .Select(c =>
                {
                    var summary = ContainerViews.Summary(c, now);
                    ContainerNetworkView.Apply(summary, c, endpoints[c.Id].ToList(), containers);
                    if (withSize)
                    {
                        summary.SizeRw = containers.Drivers.Storage(c.StorageDriver).DiffSize(c.LayerId, c.ParentLayerId);
                        summary.SizeRootFs = summary.SizeRw + (containers.Images.Count > 0 ? ImageSize(containers, c.ImageId) : 0);
                    }
                    return summary;
                })
                .ToList();
            return HttpJson.WriteAsync(context, 200, list, ApiJson.Default.ListContainerSummary);
        });

        app.MapGet("/containers/{id}/json", (HttpContext context, string id, ContainerService containers) =>
        {
            var container = containers.Store.Get(id);
            var storage = containers.Drivers.Storage(container.StorageDriver);
            var inspect = ContainerViews.Inspect(container, containers.Store.DirectoryOf(container.Id), storage.GetMetadata(container.LayerId));
            ContainerNetworkView.Apply(inspect, container, containers);
            if (Query.Bool(context, "size"))
            {
                inspect.SizeRw = storage.DiffSize(container.LayerId, container.ParentLayerId);
            }
            return HttpJson.WriteAsync(context, 200, inspect, ApiJson.Default.ContainerInspect);
        });

        app.MapDelete("/containers/{id}", async (HttpContext context, string id, ContainerService containers, ContainerRunner runner) =>
        {
            await containers.RemoveAsync(id, Query.Bool(context, "force"), runner, CancellationToken.None, removeVolumes: Query.Bool(context, "v"));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/containers/{id}/resize", (HttpContext context, string id, ContainerService containers) =>
        {
            var container = containers.Store.Get(id);
            if (!ContainerLifecycle.IsActive(container.State.Status))
            {
                throw DriverException.Conflict($"Container {container.Id} is not running");
            }
            containers.HandleOf(container).Terminal?.Resize((ushort)(Query.Int(context, "h") ?? 0), (ushort)(Query.Int(context, "w") ?? 0));
            return Results.Ok();
        });
    }

    private static long ImageSize(ContainerService containers, string imageId)
    {
        try
        {
            return containers.Images.Inspect(imageId).Size;
        }
        catch (DriverException)
        {
            return 0;
        }
    }
}
