using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Volumes;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>The volume endpoints: list (with filters), create, inspect, remove (409 while a container uses it), prune.</summary>
public static class VolumeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/volumes", (HttpContext context, VolumeStore volumes) =>
        {
            var filters = VolumeFilters.ForList(Query.String(context, "filters"));
            var list = volumes.All()
                .Where(v => filters.Matches(v, volumes.UsersOf(v.Name).Count > 0))
                .OrderBy(v => v.Name, StringComparer.Ordinal)
                .Select(v => View(v, volumes))
                .ToList();
            return HttpJson.WriteAsync(context, 200, new VolumeListResponse { Volumes = list, Warnings = [] }, ApiJson.Default.VolumeListResponse);
        });

        app.MapPost("/volumes/create", async (HttpContext context, VolumeStore volumes) =>
        {
            var request = await HttpJson.ReadAsync(context, ApiJson.Default.VolumeCreateRequest);
            var volume = volumes.Create(request.Name, request.Driver, request.DriverOpts, request.Labels);
            await HttpJson.WriteAsync(context, StatusCodes.Status201Created, View(volume, volumes), ApiJson.Default.Volume);
        });

        app.MapGet("/volumes/{name}", (HttpContext context, string name, VolumeStore volumes) =>
            HttpJson.WriteAsync(context, 200, View(volumes.Get(name), volumes), ApiJson.Default.Volume));

        app.MapDelete("/volumes/{name}", (HttpContext context, string name, VolumeStore volumes) =>
        {
            volumes.Remove(name, Query.Bool(context, "force"));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/volumes/prune", (HttpContext context, VolumeStore volumes) =>
        {
            var filters = VolumeFilters.ForPrune(Query.String(context, "filters"));
            // Since API 1.42 prune leaves named volumes alone unless asked for all; older clients expect every unused one.
            var all = filters.All || ApiVersioning.Of(context) < new Version(1, 42);
            var deleted = new List<string>();
            ulong reclaimed = 0;
            foreach (var volume in volumes.All().Where(v => (all || v.Anonymous) && filters.Matches(v, inUse: false)))
            {
                if (volumes.UsersOf(volume.Name).Count > 0)
                {
                    continue;
                }
                var size = volumes.SizeOf(volume);
                try
                {
                    volumes.Remove(volume.Name, force: false);
                }
                catch (DriverException e) when (e.Kind is DriverErrorKind.Conflict or DriverErrorKind.NotFound)
                {
                    continue;
                }
                deleted.Add(volume.Name);
                reclaimed += size > 0 ? (ulong)size : 0;
            }
            return HttpJson.WriteAsync(context, 200, new VolumePruneResponse { VolumesDeleted = deleted, SpaceReclaimed = reclaimed }, ApiJson.Default.VolumePruneResponse);
        });
    }

    /// <summary>The wire form of a volume; <paramref name="withUsage"/> adds system df's size and reference count.</summary>
    public static Volume View(VolumeRecord volume, VolumeStore volumes, bool withUsage = false) => new()
    {
        CreatedAt = volume.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        Driver = volume.Driver,
        Labels = volume.Labels.Count > 0 ? new Dictionary<string, string>(volume.Labels) : null,
        Mountpoint = volumes.MountpointOf(volume),
        Name = volume.Name,
        Options = volume.Options.Count > 0 ? new Dictionary<string, string>(volume.Options) : null,
        Scope = "local",
        UsageData = withUsage ? new VolumeUsageData { Size = volumes.SizeOf(volume), RefCount = volumes.UsersOf(volume.Name).Count } : null,
    };
}
