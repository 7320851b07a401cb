using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary><c>/networks</c>: list, inspect (with the connected containers and their addresses), create, remove.</summary>
public static class NetworkEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/networks", (HttpContext context, NetworkStore networks, ContainerService containers) =>
        {
            var filters = NetworkFilters.ForList(Query.String(context, "filters"));
            var list = networks.All
                .Where(n => filters.Matches(n, inUse: containers.Networking.Endpoints.OnNetwork(n.Id).Count > 0))
                .Select(n => NetworkView.Of(n, containers))
                .ToList();
            return HttpJson.WriteAsync(context, 200, list, ApiJson.Default.ListNetworkSummary);
        });

        app.MapGet("/networks/{id}", (HttpContext context, string id, NetworkStore networks, ContainerService containers) =>
            HttpJson.WriteAsync(context, 200, NetworkView.Of(networks.Get(id), containers), ApiJson.Default.NetworkSummary));

        app.MapPost("/networks/create", async (HttpContext context, NetworkStore networks) =>
        {
            var request = await HttpJson.ReadAsync(context, NetworkJson.Default.NetworkCreateRequest);
            if (request.IPAM is { Driver: { Length: > 0 } ipamDriver } && ipamDriver != "default")
            {
                throw DriverException.InvalidArgument($"IPAM driver \"{ipamDriver}\" is not supported: only \"default\" is");
            }
            var network = networks.Create(request.Name, request.Driver is { Length: > 0 } driver ? driver : "bridge",
                request.Options ?? [], request.Labels ?? [], request.IPAM?.Config, request.Internal, request.Attachable, request.EnableIPv6 == true);
            await HttpJson.WriteAsync(context, 201, new NetworkCreateResponse { Id = network.Id }, NetworkJson.Default.NetworkCreateResponse);
        });

        app.MapDelete("/networks/{id}", (HttpContext context, string id, NetworkStore networks, ContainerService containers) =>
        {
            var network = networks.Get(id);
            var active = containers.Networking.Endpoints.OnNetwork(network.Id).Where(e => e.Active).ToList();
            if (active.Count > 0)
            {
                var names = active.Select(e => $"(name:\"{containers.Store.Find(e.ContainerId)?.Name ?? ""}\" id:\"{e.ContainerId[..12]}\")");
                throw new DriverException(DriverErrorKind.Forbidden,
                    $"error while removing network: network {network.Name} id {network.Id} has active endpoints {string.Join(", ", names)}");
            }
            networks.Remove(network);
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });

        NetworkConnectEndpoints.Map(app);
    }
}
