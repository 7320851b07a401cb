using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Api;

namespace Modular.Kernel.Api;

/// <summary>
/// Docker's JSON message stream (import, load, later pull and push): 200 and one JSON object per line. A failure
/// after the first message can no longer change the status, so it is sent as an errorDetail message, which the
/// docker CLI reports as an error.
/// </summary>
public static class ProgressStream
{
    public static async Task RunAsync(HttpContext context, Func<Func<ProgressMessage, Task>, Task> work)
    {
        var started = false;
        async Task Write(ProgressMessage message)
        {
            if (!started)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = HttpJson.ContentType;
                started = true;
            }
            await JsonSerializer.SerializeAsync(context.Response.Body, message, ApiJson.Default.ProgressMessage, context.RequestAborted);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        try
        {
            await work(Write);
        }
        catch (Exception e) when (started && e is not OperationCanceledException)
        {
            var (_, message) = ApiErrors.Describe(e);
            await Write(new ProgressMessage { Error = message, ErrorDetail = new ProgressErrorDetail { Message = message } });
        }
    }
}
