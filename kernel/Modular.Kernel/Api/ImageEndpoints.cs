using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// The image endpoints. Image names may hold slashes (registry/namespace/name), so the routes under /images/{name}
/// take the rest of the path and dispatch on its last segment.
/// </summary>
public static class ImageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/images/create", Create);
        app.MapPost("/images/load", Load);
        app.MapGet("/images/json", List);
        app.MapGet("/images/{**path}", (HttpContext context, string path, ContainerService containers) =>
            Split(path) switch
            {
                (var name, "json") => InspectAsync(context, name, containers),
                (var name, "history") => ImageArchiveEndpoints.HistoryAsync(context, name, containers),
                (var name, "get") => ImageArchiveEndpoints.SaveAsync(context, [name], containers),
                _ => throw DriverException.NotFound($"page not found"),
            });
        app.MapPost("/images/{**path}", (HttpContext context, string path, ContainerService containers) =>
            Split(path) switch
            {
                (var name, "tag") => TagAsync(context, name, containers),
                (var name, "push") => DistributionEndpoints.PushAsync(context, containers, name),
                _ => throw DriverException.NotFound($"page not found"),
            });
        app.MapDelete("/images/{**path}", (HttpContext context, string path, ContainerService containers) =>
        {
            var items = containers.Images.Delete(path, Query.Bool(context, "force"), !Query.Bool(context, "noprune"), id => UserOf(containers, id))
                .Select(i => new ImageDeleteResponseItem { Untagged = i.Untagged, Deleted = i.Deleted })
                .ToList();
            return HttpJson.WriteAsync(context, 200, items, ApiJson.Default.ListImageDeleteResponseItem);
        });
    }

    internal static ImageUser? UserOf(ContainerService containers, string imageId)
    {
        var users = containers.Store.All.Where(c => c.ImageId == imageId).ToList();
        var running = users.FirstOrDefault(c => ContainerLifecycle.IsActive(c.State.Status));
        var user = running ?? users.FirstOrDefault();
        return user is null ? null : new ImageUser(user.Id, running is not null);
    }

    private static (string Name, string Action) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
    }

    private static Task InspectAsync(HttpContext context, string name, ContainerService containers)
    {
        var image = containers.Images.Inspect(name);
        var storage = containers.Drivers.Storage(containers.StorageDriverName);
        var data = image.TopLayerCacheId is { } top ? storage.GetMetadata(top) : new Dictionary<string, string>();
        return HttpJson.WriteAsync(context, 200, ImageViews.Inspect(image, storage.Name, data), ApiJson.Default.ImageInspect);
    }

    private static Task TagAsync(HttpContext context, string name, ContainerService containers)
    {
        var repo = Query.String(context, "repo") ?? throw DriverException.InvalidArgument("repository name must have at least one component");
        var tag = Query.String(context, "tag");
        containers.Images.Tag(name, string.IsNullOrEmpty(tag) ? repo : $"{repo}:{tag}");
        containers.Events.Publish(new Events.EngineEvent("image", "tag", containers.Images.Resolve(name),
            new Dictionary<string, string> { ["name"] = string.IsNullOrEmpty(tag) ? repo : $"{repo}:{tag}" }, DateTimeOffset.UtcNow));
        context.Response.StatusCode = StatusCodes.Status201Created;
        return Task.CompletedTask;
    }

    private static Task List(HttpContext context, ContainerService containers)
    {
        var filters = DockerFilters.Parse(Query.String(context, "filters"));
        var map = filters.Keys.ToDictionary(k => k, k => (IReadOnlyList<string>)filters.Get(k).ToList());
        var counts = containers.Store.All.GroupBy(c => c.ImageId).ToDictionary(g => g.Key, g => g.Count());
        var images = containers.Images.List(Query.Bool(context, "all"), map)
            .Select(i => ImageViews.Summary(i, counts.GetValueOrDefault(i.Id)))
            .ToList();
        return HttpJson.WriteAsync(context, 200, images, ApiJson.Default.ListImageSummary);
    }

    private static async Task Create(HttpContext context, ContainerService containers)
    {
        var source = Query.String(context, "fromSrc");
        if (source is null)
        {
            await DistributionEndpoints.PullAsync(context, containers, Query.String(context, "fromImage") ?? "", Query.String(context, "tag"));
            return;
        }
        if (source != "-")
        {
            throw new DriverException(DriverErrorKind.NotImplemented, "importing from a URL is not supported by this version of Modular yet; pipe the archive to import -");
        }
        var repo = Query.String(context, "repo");
        var tagName = Query.String(context, "tag");
        var target = string.IsNullOrEmpty(repo) ? null : string.IsNullOrEmpty(tagName) ? repo : $"{repo}:{tagName}";
        var changes = context.Request.Query["changes"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();

        await ProgressStream.RunAsync(context, async write =>
        {
            var id = await containers.Images.ImportAsync(context.Request.Body, target, changes, Query.String(context, "message"),
                Query.String(context, "platform"), context.RequestAborted);
            containers.Events.Publish(new Events.EngineEvent("image", "import", id, new Dictionary<string, string>(), DateTimeOffset.UtcNow));
            await write(new ProgressMessage { Status = id });
        });
    }

    private static async Task Load(HttpContext context, ContainerService containers)
    {
        var quiet = Query.Bool(context, "quiet");
        await ProgressStream.RunAsync(context, async write =>
        {
            foreach (var line in await containers.Images.LoadAsync(context.Request.Body, context.RequestAborted))
            {
                await write(new ProgressMessage { Stream = line + "\n" });
            }
        });
        _ = quiet;
    }
}
