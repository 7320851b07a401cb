using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Build;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// <c>POST /build</c>, the classic builder: the body is the context tar (plain or gzip) or a bare Dockerfile. Failures before the first
/// output line (a bad Dockerfile, a bad tag) are HTTP errors; later ones are an errorDetail message, whose code is a
/// failed RUN's exit code (the docker CLI exits with it).
/// </summary>
public static class BuildEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/build", BuildAsync);
    }

    private static async Task BuildAsync(HttpContext http, DockerfileBuilder builder)
    {
        var options = ReadOptions(http);
        var cancellationToken = http.RequestAborted;
        Directory.CreateDirectory(builder.TemporaryFolder);
        using var context = await BuildContext.ExtractAsync(http.Request.Body, builder.TemporaryFolder, options.Dockerfile, cancellationToken);
        var (document, plan, tags) = builder.Prepare(context, options);

        var started = false;
        async Task Write(ProgressMessage message)
        {
            if (!started)
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = HttpJson.ContentType;
                started = true;
            }
            await JsonSerializer.SerializeAsync(http.Response.Body, message, ApiJson.Default.ProgressMessage, cancellationToken);
            await http.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
        }

        try
        {
            await builder.BuildAsync(context, options, document, plan, tags, new BuildOutput(Write, options.Quiet), cancellationToken);
        }
        catch (Exception e) when (started && e is not OperationCanceledException)
        {
            var (_, message) = ApiErrors.Describe(e);
            var code = e is BuildStepException step ? step.Code : 0;
            await Write(new ProgressMessage { Error = message, ErrorDetail = new ProgressErrorDetail { Code = code, Message = message } });
        }
    }

    private static BuildOptions ReadOptions(HttpContext http)
    {
        if (Query.String(http, "version") == "2")
        {
            throw new DriverException(DriverErrorKind.NotImplemented, "BuildKit is not supported by this version of Modular; build with DOCKER_BUILDKIT=0");
        }
        if (!string.IsNullOrEmpty(Query.String(http, "remote")))
        {
            throw new DriverException(DriverErrorKind.NotImplemented, "remote build contexts are not supported by this version of Modular");
        }
        var forceRemove = Query.Bool(http, "forcerm");
        return new BuildOptions
        {
            Tags = http.Request.Query["t"].OfType<string>().Where(tag => tag.Length > 0).ToList(),
            Dockerfile = Query.String(http, "dockerfile") is { Length: > 0 } dockerfile ? dockerfile : "Dockerfile",
            BuildArgs = JsonMap(http, "buildargs"),
            Labels = JsonMap(http, "labels").Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!),
            Target = Query.String(http, "target"),
            NoCache = Query.Bool(http, "nocache"),
            Pull = Query.Bool(http, "pull"),
            Remove = Query.Bool(http, "rm", fallback: true) || forceRemove,
            ForceRemove = forceRemove,
            Quiet = Query.Bool(http, "q"),
            NetworkMode = Query.String(http, "networkmode"),
            Platform = Query.String(http, "platform"),
            RegistryAuth = BuildRegistryAuth.FromHeader(http.Request.Headers["X-Registry-Config"]),
        };
    }

    /// <summary>A query parameter holding a JSON object of strings (buildargs, labels); values may be null.</summary>
    private static Dictionary<string, string?> JsonMap(HttpContext http, string name)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (Query.String(http, name) is not { Length: > 0 } text)
        {
            return map;
        }
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw DriverException.InvalidArgument($"invalid {name}: not a JSON object");
        }
        foreach (var property in document.RootElement.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString();
        }
        return map;
    }
}
