using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Modular.Kernel.Containers;
using Modular.Kernel.Containers.Archive;
using Modular.Kernel.Runtime;
using Modular.Kernel.Streams;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary><c>docker cp</c>: stat (HEAD), copy out (GET) and copy in (PUT) of <c>/containers/{id}/archive</c>.</summary>
public static class ArchiveEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/containers/{id}/archive", [HttpMethods.Head], async (HttpContext context, string id, ContainerService containers) =>
        {
            var path = RequiredPath(context);
            var container = containers.Store.Get(id);
            using var lease = await ContainerRootfsLease.AcquireAsync(containers, container, context.RequestAborted);
            using var files = new ContainerFileSystem(lease.Path);
            var stat = files.Stat(path) ?? throw FileNotFound(path, id);
            context.Response.Headers[ContainerPathStat.HeaderName] = stat.ToHeaderValue();
            context.Response.StatusCode = StatusCodes.Status200OK;
        });

        app.MapGet("/containers/{id}/archive", async (HttpContext context, string id, ContainerService containers) =>
        {
            var path = RequiredPath(context);
            var container = containers.Store.Get(id);
            using var lease = await ContainerRootfsLease.AcquireAsync(containers, container, context.RequestAborted);
            using var files = new ContainerFileSystem(lease.Path);
            using var found = files.Find(path) ?? throw FileNotFound(path, id);
            context.Response.Headers[ContainerPathStat.HeaderName] = found.Stat.ToHeaderValue();
            context.Response.ContentType = "application/x-tar";
            context.Response.StatusCode = StatusCodes.Status200OK;
            containers.Publish(container, "archive-path");

            // The walk is synchronous file work; a buffered stream keeps the response writes large.
            AllowSynchronousIo(context);
            await using (var output = new BufferedStream(context.Response.Body, 64 * 1024))
            {
                using (var archive = new ArchiveWriter(output))
                {
                    archive.Write(found, found.Stat.Name);
                }
                await output.FlushAsync(context.RequestAborted);
            }
        });

        app.MapPut("/containers/{id}/archive", async (HttpContext context, string id, ContainerService containers) =>
        {
            var path = RequiredPath(context);
            // moby's default is the opposite of the CLI's: without the parameter a directory may be replaced by a file.
            var noOverwriteDirNonDir = Query.Bool(context, "noOverwriteDirNonDir");
            var copyUidGid = Query.Bool(context, "copyUIDGID");
            var container = containers.Store.Get(id);
            using var lease = await ContainerRootfsLease.AcquireAsync(containers, container, context.RequestAborted);
            using var files = new ContainerFileSystem(lease.Path);
            using var destination = files.OpenDirectory(path, out var status) ?? throw FileNotFound(path, id);
            if (!status.IsDirectory)
            {
                throw DriverException.InvalidArgument("extraction point is not a directory");
            }
            if (container.HostConfig.ReadonlyRootfs)
            {
                throw new DriverException(DriverErrorKind.Forbidden, "container rootfs is marked read-only");
            }
            (uint, uint)? owner = null;
            if (copyUidGid && container.Config.User is { Length: > 0 } user)
            {
                var resolved = UserResolver.Resolve(lease.Path, user);
                owner = (resolved.Uid, resolved.Gid);
            }

            AllowSynchronousIo(context);
            using (var body = await Decompressed(context.Request.Body))
            {
                new ArchiveExtractor(destination, ContainerPaths.Clean(path), new ExtractOptions(noOverwriteDirNonDir, owner)).Extract(body);
            }
            containers.Publish(container, "extract-to-dir");
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
    }

    private static string RequiredPath(HttpContext context) =>
        Query.String(context, "path") is { Length: > 0 } path ? path : throw DriverException.InvalidArgument("path is required");

    private static DriverException FileNotFound(string path, string container) =>
        DriverException.NotFound($"Could not find the file {path} in container {container}");

    private static void AllowSynchronousIo(HttpContext context)
    {
        if (context.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true;
        }
    }

    // moby accepts a compressed tar too; the docker CLI sends it plain. gzip is the one compression clients use.
    private static async Task<Stream> Decompressed(Stream body)
    {
        var buffered = new BufferedStream(body, 64 * 1024);
        var magic = new byte[2];
        var read = await buffered.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false);
        var rewound = new PrefixedStream(magic.AsMemory(0, read), buffered);
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(rewound, CompressionMode.Decompress) : rewound;
    }
}
