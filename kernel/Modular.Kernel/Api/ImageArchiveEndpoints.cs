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
