using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Api;

/// <summary>
/// GET /system/df: image layers counted once however many images share them, each container's writable layer,
/// so the figures add up to what the storage driver really holds on disk.
/// </summary>
public static class DiskUsageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/system/df", (HttpContext context, ContainerService containers) =>
        {
            var layerSizes = containers.Images.LayerSizes();
            var records = containers.Images.All();
            var usage = records.SelectMany(i => i.LayerCacheIds).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
            var users = containers.Store.All.GroupBy(c => c.ImageId).ToDictionary(g => g.Key, g => g.Count());
            var now = DateTimeOffset.UtcNow;

            var result = new DiskUsage
            {
                LayersSize = layerSizes.Values.Sum(),
                Images = containers.Images.List(all: true).Select(image =>
                {
                    var summary = ImageViews.Summary(image, users.GetValueOrDefault(image.Id));
                    var record = records.First(r => r.Id == image.Id);
                    summary.SharedSize = record.LayerCacheIds.Where(id => usage[id] > 1).Sum(id => layerSizes.GetValueOrDefault(id));
                    return summary;
                }).ToList(),
                Containers = containers.Store.All.OrderByDescending(c => c.Created).Select(container =>
                {
                    var summary = ContainerViews.Summary(container, now);
                    summary.SizeRw = containers.Drivers.Storage(container.StorageDriver).DiffSize(container.LayerId, container.ParentLayerId);
                    summary.SizeRootFs = summary.SizeRw + (records.FirstOrDefault(r => r.Id == container.ImageId)?.Size ?? 0);
                    return summary;
                }).ToList(),
                Volumes = containers.Volumes.All().OrderBy(v => v.Name, StringComparer.Ordinal)
                    .Select(v => System.Text.Json.JsonSerializer.SerializeToElement(VolumeEndpoints.View(v, containers.Volumes, withUsage: true), ApiJson.Default.Volume))
                    .ToList(),
            };
            return HttpJson.WriteAsync(context, 200, result, ApiJson.Default.DiskUsage);
        });
    }
}
