using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Containers.Archive;
using Modular.Kernel.Images;
using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Api;

/// <summary>Images made from containers and containers' files as archives: commit and export.</summary>
public static class ImageArchiveEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/commit", CommitAsync);
        app.MapGet("/containers/{id}/export", ExportAsync);
        app.MapPost("/images/prune", PruneAsync);
        app.MapGet("/images/get", (HttpContext context, ContainerService containers) =>
            SaveAsync(context, context.Request.Query["names"].SelectMany(n => (n ?? "").Split(',')).Where(n => n.Length > 0).ToArray(), containers));
    }

    private static Task PruneAsync(HttpContext context, ContainerService containers)
    {
        var filters = DockerFilters.Parse(Query.String(context, "filters"));
        var map = filters.Keys.ToDictionary(k => k, k => (IReadOnlyList<string>)filters.Get(k).ToList());
        var report = containers.Images.Prune(map, id => ImageEndpoints.UserOf(containers, id));
        containers.Events.Publish(new Events.EngineEvent("image", "prune", "",
            new Dictionary<string, string> { ["reclaimed"] = report.SpaceReclaimed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            DateTimeOffset.UtcNow));
        var response = new ImagesPruneResponse
        {
            ImagesDeleted = report.Deleted.Count == 0
                ? null
                : report.Deleted.Select(i => new ImageDeleteResponseItem { Untagged = i.Untagged, Deleted = i.Deleted }).ToList(),
            SpaceReclaimed = report.SpaceReclaimed,
        };
        return HttpJson.WriteAsync(context, 200, response, ApiJson.Default.ImagesPruneResponse);
    }

    /// <summary><c>GET /images/{name}/history</c>.</summary>
    public static Task HistoryAsync(HttpContext context, string name, ContainerService containers)
    {
        var rows = containers.Images.History(name).Select(row => new HistoryItem
        {
            Id = row.Id,
            Created = row.Created?.ToUnixTimeSeconds() ?? 0,
            CreatedBy = row.CreatedBy,
            Tags = row.Tags.Count == 0 ? null : row.Tags.ToList(),
            Size = row.Size,
            Comment = row.Comment,
        }).ToList();
        return HttpJson.WriteAsync(context, 200, rows, ApiJson.Default.ListHistoryItem);
    }

    /// <summary><c>docker save</c> (<c>GET /images/get?names=</c> and <c>GET /images/{name}/get</c>).</summary>
    public static async Task SaveAsync(HttpContext context, IReadOnlyList<string> names, ContainerService containers)
    {
        context.Response.ContentType = "application/x-tar";
        await containers.Images.SaveAsync(names, context.Response.Body, context.RequestAborted);
        foreach (var name in names)
        {
            containers.Events.Publish(new Events.EngineEvent("image", "save", containers.Images.Resolve(name),
                new Dictionary<string, string> { ["name"] = name }, DateTimeOffset.UtcNow));
        }
    }

    private static async Task CommitAsync(HttpContext context, ContainerService containers, ContainerRunner runner)
    {
        var container = containers.Store.Get(Query.String(context, "container") ?? "");
        var requested = context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0
            ? await ReadOptionalConfigAsync(context)
            : null;
        var changes = context.Request.Query["changes"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        var config = CommitConfig.Build(container.Config, requested, changes);
        var repo = Query.String(context, "repo");
        var tag = Query.String(context, "tag");
        if (string.IsNullOrEmpty(repo) && !string.IsNullOrEmpty(tag))
        {
            throw DriverException.InvalidArgument("tag is specified without a repository");
        }
        var reference = string.IsNullOrEmpty(repo) ? null : string.IsNullOrEmpty(tag) ? repo : $"{repo}:{tag}";
        var comment = Query.String(context, "comment");

        var id = await ContainerCommit.RunAsync(containers, runner, container, Query.Bool(context, "pause", fallback: true),
            () => containers.Images.CommitAsync(new ImageCommitRequest
            {
                BaseImage = container.ImageId,
                LayerId = container.LayerId,
                Config = config,
                Reference = reference,
                CreatedBy = string.Join(' ', container.Config.Cmd ?? []),
                Comment = comment,
                Author = Query.String(context, "author"),
            }, context.RequestAborted));

        containers.Publish(container, "commit", new Dictionary<string, string>
        {
            ["comment"] = comment ?? "",
            ["imageID"] = id,
            ["imageRef"] = reference is null ? "" : ImageReference.Parse(reference).WithDefaultTag().Familiar,
        });
        await HttpJson.WriteAsync(context, 201, new IdResponse { Id = id }, ApiJson.Default.IdResponse);
    }

    private static async Task<ContainerConfig?> ReadOptionalConfigAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Trim();
        if (text is "" or "null")
        {
            return null;
        }
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(text, ApiJson.Default.ContainerConfig);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// <c>docker export</c>: the container's root filesystem (its image layers with its own changes, without volumes
    /// or the files the daemon mounts over it) as one uncompressed tar, entries relative to the root.
    /// </summary>
    private static async Task ExportAsync(HttpContext context, string id, ContainerService containers)
    {
        var container = containers.Store.Get(id);
        using var lease = await ContainerRootfsLease.AcquireAsync(containers, container, context.RequestAborted);
        using var files = new ContainerFileSystem(lease.Path);
        context.Response.ContentType = "application/x-tar";
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true;
        }
        await using (var output = new BufferedStream(context.Response.Body, 64 * 1024))
        {
            using (var archive = new ArchiveWriter(output))
            {
                foreach (var name in FileTree.ChildNames(lease.Path).Order(StringComparer.Ordinal))
                {
                    using var found = files.Find("/" + name);
                    if (found is not null)
                    {
                        archive.Write(found, name);
                    }
                }
            }
            await output.FlushAsync(context.RequestAborted);
        }
        containers.Publish(container, "export");
    }
}
