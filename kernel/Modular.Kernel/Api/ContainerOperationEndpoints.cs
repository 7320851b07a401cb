using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Api;

/// <summary>Operations on an existing container besides its lifecycle: pause, unpause, rename, top, changes.</summary>
public static class ContainerOperationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/{id}/pause", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            await runner.PauseAsync(id, CancellationToken.None);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/containers/{id}/unpause", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            await runner.UnpauseAsync(id, CancellationToken.None);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/containers/{id}/update", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            var changes = await HttpJson.ReadAsync(context, ApiJson.Default.ContainerUpdateRequest);
            await runner.UpdateAsync(id, changes, changes.RestartPolicy, CancellationToken.None);
            await HttpJson.WriteAsync(context, 200, new ContainerUpdateResponse(), ApiJson.Default.ContainerUpdateResponse);
        });

        app.MapPost("/containers/{id}/rename", (HttpContext context, string id, ContainerService containers) =>
        {
            containers.Rename(id, Query.String(context, "name") ?? "");
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapGet("/containers/{id}/top", async (HttpContext context, string id, ContainerRunner runner) =>
        {
            var top = await runner.TopAsync(id, Query.String(context, "ps_args"), context.RequestAborted);
            await HttpJson.WriteAsync(context, 200, top, ApiJson.Default.ContainerTopResponse);
        });

        app.MapGet("/containers/{id}/changes", (HttpContext context, string id, ContainerService containers) =>
        {
            var container = containers.Store.Get(id);
            var changes = containers.Drivers.Storage(container.StorageDriver).Changes(container.LayerId, container.ParentLayerId)
                .Select(c => new ContainerChange { Path = c.Path, Kind = (int)c.Kind })
                .ToList();
            return HttpJson.WriteAsync(context, 200, changes, ApiJson.Default.ListContainerChange);
        });
    }
}
