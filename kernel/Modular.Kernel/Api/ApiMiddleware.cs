using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Modular.Kernel.Api;

/// <summary>Sets Docker's headers, negotiates the API version and turns every failure into a Docker-shaped error.</summary>
public sealed class ApiMiddleware(RequestDelegate next, ILogger<ApiMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ApiVersioning.WriteHeaders(context.Response);
        try
        {
            context.Items[ApiVersioning.ItemKey] = ApiVersioning.Negotiate(context);
            logger.LogDebug("{Method} {Path}{Query}", context.Request.Method, context.Request.Path, context.Request.QueryString);
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status404NotFound && !context.Response.HasStarted && context.GetEndpoint() is null)
            {
                await HttpJson.WriteErrorAsync(context, StatusCodes.Status404NotFound, "page not found");
            }
        }
        catch (Exception e)
        {
            var (status, message) = ApiErrors.Describe(e);
            if (status >= 500)
            {
                logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            }
            else
            {
                logger.LogDebug("{Method} {Path}: {Status} {Message}", context.Request.Method, context.Request.Path, status, message);
            }
            if (context.Response.HasStarted)
            {
                // Headers are out (a stream was running): the only way left to signal failure is to cut the connection.
                context.Abort();
                return;
            }
            if (status == 499)
            {
                return;
            }
            await HttpJson.WriteErrorAsync(context, status, message);
        }
    }
}
