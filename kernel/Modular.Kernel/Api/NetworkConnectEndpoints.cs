using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;

namespace Modular.Kernel.Api;

/// <summary><c>POST /networks/{id}/connect</c>, <c>/disconnect</c> and <c>POST /networks/prune</c>.</summary>
public static class NetworkConnectEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/networks/{id}/connect", async (HttpContext context, string id, ContainerService containers) =>
        {
            var request = await HttpJson.ReadAsync(context, NetworkConnectJson.Default.NetworkConnectRequest);
            await NetworkConnections.ConnectAsync(containers, id, request, context.RequestAborted);
            context.Response.StatusCode = 200;
        });

        app.MapPost("/networks/{id}/disconnect", async (HttpContext context, string id, ContainerService containers) =>
        {
            var request = await HttpJson.ReadAsync(context, NetworkConnectJson.Default.NetworkDisconnectRequest);
            await NetworkConnections.DisconnectAsync(containers, id, request, context.RequestAborted);
            context.Response.StatusCode = 200;
        });

        app.MapPost("/networks/prune", (HttpContext context, ContainerService containers) =>
        {
            var filters = NetworkFilters.ForPrune(Query.String(context, "filters"));
            return HttpJson.WriteAsync(context, 200, NetworkConnections.Prune(containers, filters), NetworkConnectJson.Default.NetworkPruneResponse);
        });
    }
}
