using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Models;
using Modular.Kernel.Configuration;
using Modular.Kernel.Containers;
using Modular.Kernel.Images;
using Modular.Kernel.Images.Distribution;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// Registry traffic: pull (<c>POST /images/create?fromImage=</c>), push (<c>POST /images/{name}/push</c>), login
/// (<c>POST /auth</c>) and <c>GET /distribution/{name}/json</c>. Credentials come from X-Registry-Auth (base64url
/// AuthConfig) per request; the daemon keeps none.
/// </summary>
public static class DistributionEndpoints
{
    private static readonly ConditionalWeakTable<DaemonConfig, Registries> RegistriesByConfig = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/auth", LoginAsync);
        app.MapGet("/distribution/{**path}", (HttpContext context, string path, ContainerService containers) =>
            path.EndsWith("/json", StringComparison.Ordinal)
                ? InspectAsync(context, path[..^"/json".Length], containers)
                : throw DriverException.NotFound("page not found"));
    }

    /// <summary>The <c>fromImage</c> branch of POST /images/create.</summary>
    public static Task PullAsync(HttpContext context, ContainerService containers, string image, string? tag)
    {
        var reference = ImageReference.Parse(image);
        var references = new List<ImageReference>();
        if (!string.IsNullOrEmpty(tag))
        {
            reference = tag.Contains(':') ? reference.WithDigest(tag) : reference.WithTag(tag);
        }
        var platformText = Query.String(context, "platform");
        var platform = Platform.Parse(platformText);
        var credentials = RegistryCredentials.FromHeader(context.Request.Headers["X-Registry-Auth"]);
        var registries = RegistriesFor(containers.Config);
        return StreamAsync(context, async report =>
        {
            if (reference.Tag is null && reference.Digest is null)
            {
                report(new TransferEvent(null, $"Pulling all tags of {reference.FamiliarRepository}"));
                foreach (var each in await TagLister.ListAsync(registries.Http, registries.Settings, reference, credentials, context.RequestAborted))
                {
                    await containers.Images.PullAsync(reference.WithTag(each), platform, !string.IsNullOrEmpty(platformText), credentials,
                        registries.Settings, registries.Http, report, context.RequestAborted);
                }
                return;
            }
            await containers.Images.PullAsync(reference, platform, !string.IsNullOrEmpty(platformText), credentials,
                registries.Settings, registries.Http, report, context.RequestAborted);
            containers.Events.Publish(new Events.EngineEvent("image", "pull", reference.Familiar,
                new Dictionary<string, string> { ["name"] = reference.Familiar }, DateTimeOffset.UtcNow));
        });
    }

    /// <summary>POST /images/{name}/push?tag=</summary>
    public static Task PushAsync(HttpContext context, ContainerService containers, string name)
    {
        var tag = Query.String(context, "tag");
        var credentials = RegistryCredentials.FromHeader(context.Request.Headers["X-Registry-Auth"]);
        var registries = RegistriesFor(containers.Config);
        var storage = containers.Drivers.Storage(containers.StorageDriverName);
        return StreamAsync(context, async report =>
        {
            await containers.Images.PushAsync(name, tag, credentials, registries.Settings, registries.Http, report, context.RequestAborted);
            containers.Events.Publish(new Events.EngineEvent("image", "push", name,
                new Dictionary<string, string> { ["name"] = name }, DateTimeOffset.UtcNow));
        });
    }

    private static async Task LoginAsync(HttpContext context, ContainerService containers)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var credentials = RegistryCredentials.FromJson(body.ToArray());
        var registries = RegistriesFor(containers.Config);
        var server = string.IsNullOrEmpty(credentials.ServerAddress) ? ImageReference.DefaultDomain : credentials.ServerAddress;
        try
        {
            await RegistryLogin.LoginAsync(registries.Http, registries.Settings, server, credentials, context.RequestAborted);
        }
        catch (DriverException e) when (e.Kind == DriverErrorKind.Forbidden)
        {
            await HttpJson.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, e.Message);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HttpJson.ContentType;
        await context.Response.Body.WriteAsync("{\"IdentityToken\":\"\",\"Status\":\"Login Succeeded\"}\n"u8.ToArray(), context.RequestAborted);
    }

    private static async Task InspectAsync(HttpContext context, string name, ContainerService containers)
    {
        var reference = ImageReference.Parse(name).WithDefaultTag();
        var credentials = RegistryCredentials.FromHeader(context.Request.Headers["X-Registry-Auth"]);
        var registries = RegistriesFor(containers.Config);
        var json = await DistributionInspector.InspectAsync(registries.Http, registries.Settings, reference, credentials, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HttpJson.ContentType;
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>
    /// Runs a pull or push, writing its events as Docker's JSON messages. Nothing is written before the first event, so
    /// a failure before it (unknown manifest, refused credentials) is an HTTP error status, as dockerd answers.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, Func<Action<TransferEvent>, Task> work)
    {
        var channel = Channel.CreateUnbounded<TransferEvent>(new UnboundedChannelOptions { SingleReader = true });
        await ProgressStream.RunAsync(context, async write =>
        {
            var running = Task.Run(async () =>
            {
                try
                {
                    await work(transfer => channel.Writer.TryWrite(transfer));
                }
                finally
                {
                    channel.Writer.Complete();
                }
            });
            await foreach (var transfer in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                await write(ToMessage(transfer));
            }
            await running;
        });
    }

    private static ProgressMessage ToMessage(TransferEvent transfer)
    {
        if (transfer.Pushed is { } pushed)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("Tag", pushed.Tag);
                writer.WriteString("Digest", pushed.Digest);
                writer.WriteNumber("Size", pushed.Size);
                writer.WriteEndObject();
            }
            using var aux = JsonDocument.Parse(buffer.ToArray());
            return new ProgressMessage { ProgressDetail = new ProgressDetail(), Aux = aux.RootElement.Clone() };
        }
        return new ProgressMessage
        {
            Status = transfer.Status,
            Id = transfer.Id,
            ProgressDetail = transfer.HasProgress
                ? new ProgressDetail { Current = transfer.Current, Total = transfer.Total }
                : transfer.Id is null ? null : new ProgressDetail(),
        };
    }

    private static Registries RegistriesFor(DaemonConfig config) =>
        RegistriesByConfig.GetValue(config, c => new Registries(
            new RegistrySettings(c.InsecureRegistries, c.RegistryMirrors, c.MaxConcurrentDownloads, c.MaxConcurrentUploads, c.MaxDownloadAttempts),
            new RegistryHttp()));

    private sealed record Registries(RegistrySettings Settings, RegistryHttp Http);
}
