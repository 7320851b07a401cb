using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Host;
using Modular.Kernel.Plugins;

namespace Modular.Kernel.Api;

/// <summary>/_ping, /version and /info.</summary>
public static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            context.Response.Headers.Pragma = "no-cache";
            context.Response.Headers["Builder-Version"] = "1";
            context.Response.Headers["Swarm"] = "inactive";
            context.Response.ContentType = "text/plain; charset=utf-8";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("OK");
        });

        app.MapGet("/version", (HttpContext context, ContainerService containers) =>
        {
            var details = new Dictionary<string, string>
            {
                ["ApiVersion"] = ApiVersioning.Current.ToString(),
                ["MinAPIVersion"] = ApiVersioning.Minimum.ToString(),
                ["GitCommit"] = EngineInfo.GitCommit,
                ["GoVersion"] = $".NET {Environment.Version}",
                ["Os"] = "linux",
                ["Arch"] = HostFacts.GoArchitecture,
                ["KernelVersion"] = HostFacts.KernelVersion,
                ["Experimental"] = "false",
                ["BuildTime"] = "",
            };
            var runtime = containers.Runtimes.Get(containers.Runtimes.DefaultName);
            var version = new VersionResponse
            {
                Platform = new PlatformName { Name = "Modular Engine" },
                Components =
                [
                    new ComponentVersion { Name = "Engine", Version = EngineInfo.Version, Details = details },
                    new ComponentVersion
                    {
                        Name = runtime.Name,
                        Version = FirstVersionNumber(runtime.Version()),
                        Details = new Dictionary<string, string> { ["GitCommit"] = "" },
                    },
                ],
                Version = EngineInfo.Version,
                ApiVersion = ApiVersioning.Current.ToString(),
                MinAPIVersion = ApiVersioning.Minimum.ToString(),
                GitCommit = EngineInfo.GitCommit,
                GoVersion = $".NET {Environment.Version}",
                Os = "linux",
                Arch = HostFacts.GoArchitecture,
                KernelVersion = HostFacts.KernelVersion,
            };
            return HttpJson.WriteAsync(context, 200, version, ApiJson.Default.VersionResponse);
        });

        app.MapGet("/info", (HttpContext context, ContainerService containers, InfoReport report) =>
            HttpJson.WriteAsync(context, 200, report.Build(), ApiJson.Default.SystemInfo));
    }

    private static string FirstVersionNumber(string versionOutput)
    {
        // "runc version 1.1.5\ncommit: ..." → "1.1.5"
        var words = versionOutput.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return words.FirstOrDefault(w => w.Length > 0 && char.IsDigit(w[0])) ?? "unknown";
    }
}
