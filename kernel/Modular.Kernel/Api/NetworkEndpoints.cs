using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>Listing and inspecting networks. Creating user-defined networks arrives with the bridge driver.</summary>
public static class NetworkEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/networks", (HttpContext context, NetworkStore networks, ContainerService containers) =>
        {
            var filters = DockerFilters.Parse(Query.String(context, "filters"));
            var list = networks.All
                .Where(n => !filters.Contains("name") || filters.Get("name").Any(f => n.Name.Contains(f, StringComparison.Ordinal)))
                .Where(n => !filters.Contains("driver") || filters.Get("driver").Contains(n.Driver))
                .Where(n => !filters.Contains("id") || filters.Get("id").Any(f => n.Id.StartsWith(f, StringComparison.Ordinal)))
                .Select(n => View(n, containers))
                .ToList();
            return HttpJson.WriteAsync(context, 200, list, ApiJson.Default.ListNetworkSummary);
        });

        app.MapGet("/networks/{id}", (HttpContext context, string id, NetworkStore networks, ContainerService containers) =>
            HttpJson.WriteAsync(context, 200, View(networks.Get(id), containers), ApiJson.Default.NetworkSummary));

        app.MapPost("/networks/create", (NetworkStore networks) =>
        {
            throw new DriverException(DriverErrorKind.NotImplemented,
                "creating networks needs the bridge driver, which this version of Modular does not have yet; the predefined networks are " +
                string.Join(", ", networks.All.Select(n => n.Name)));
        });

        app.MapDelete("/networks/{id}", (string id, NetworkStore networks) =>
        {
            var network = networks.Get(id);
            throw new DriverException(DriverErrorKind.Forbidden, $"{network.Name} is a pre-defined network and cannot be removed");
        });
    }

    private static NetworkSummary View(NetworkRecord network, ContainerService containers) => new()
    {
        Name = network.Name,
        Id = network.Id,
        Created = network.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z"),
        Scope = network.Scope,
        Driver = network.Driver,
        IPAM = new NetworkIpam { Driver = "default", Config = [] },
        Containers = containers.Store.All
            .Where(c => c.HostConfig.NetworkMode == network.Name && ContainerLifecycle.IsActive(c.State.Status))
            .ToDictionary(c => c.Id, c => new NetworkEndpointResource { Name = c.Name }),
        Options = network.Options.ToDictionary(),
        Labels = network.Labels.ToDictionary(),
    };
}
