using System.Net;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>Turns a registry's error answer (the distribution spec's <c>{"errors":[{code,message}]}</c>) into a DriverException.</summary>
internal static class RegistryErrors
{
    public static async Task<DriverException> FromResponseAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string detail;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            detail = Describe(body) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            detail = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        var kind = response.StatusCode switch
        {
            HttpStatusCode.NotFound => DriverErrorKind.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => DriverErrorKind.Forbidden,
            HttpStatusCode.BadRequest => DriverErrorKind.InvalidArgument,
            _ when (int)response.StatusCode >= 500 => DriverErrorKind.Unavailable,
            _ => DriverErrorKind.Internal,
        };
        return new DriverException(kind, $"{what}: {detail}");
    }

    /// <summary>"code: message" of the first error, lower-cased code as Docker prints it, or null for a body without errors.</summary>
    public static string? Describe(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = errors.EnumerateArray().Select(error =>
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
                    var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                    return $"{code.ToLowerInvariant().Replace('_', ' ')}: {message}";
                }).ToArray();
                return parts.Length > 0 ? string.Join(", ", parts) : null;
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private const int NoSpaceErrno = 28;
    private const int QuotaErrno = 122;

    /// <summary>Whether a failure is worth another attempt: 5xx, 408/429, or the connection breaking (never a full disk).</summary>
    public static bool IsTransient(Exception exception) => !IsDiskFull(exception) && exception switch
    {
        DriverException driver => driver.Kind == DriverErrorKind.Unavailable,
        HttpRequestException or IOException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>ENOSPC or EDQUOT anywhere in the chain (.NET on Linux keeps the errno as the IOException's HResult).</summary>
    public static bool IsDiskFull(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is IOException { HResult: NoSpaceErrno or QuotaErrno } ||
                exception.Message.Contains("no space left on device", StringComparison.OrdinalIgnoreCase) ||
                exception.Message.Contains("disk quota exceeded", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDiskFull))
            {
                return true;
            }
        }
        return false;
    }
}
