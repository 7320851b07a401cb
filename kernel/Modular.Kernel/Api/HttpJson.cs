using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Modular.Api.Models;
using Modular.Api.Json;

namespace Modular.Kernel.Api;

/// <summary>Reads and writes wire JSON with the source-generated Modular.Api context.</summary>
public static class HttpJson
{
    // The docker CLI parses error bodies only when Content-Type is exactly this string (moby client/request.go).
    public const string ContentType = "application/json";

    public static async Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, new ErrorResponse { Message = message }, ApiJson.Default.ErrorResponse);

    /// <summary>Reads the request body; an empty or malformed body is a 400 in Docker's words.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
                ?? throw Sdk.DriverException.InvalidArgument("invalid JSON: the body is null");
        }
        catch (JsonException e) when (e.BytePositionInLine == 0 && e.LineNumber == 0 && context.Request.ContentLength is null or 0)
        {
            throw Sdk.DriverException.InvalidArgument("invalid JSON: EOF");
        }
    }
}
