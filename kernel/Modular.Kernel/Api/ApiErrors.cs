using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>The one place where failures become HTTP statuses and Docker-shaped error bodies.</summary>
public static class ApiErrors
{
    public static int StatusOf(DriverErrorKind kind) => kind switch
    {
        DriverErrorKind.NotFound => StatusCodes.Status404NotFound,
        DriverErrorKind.Conflict => StatusCodes.Status409Conflict,
        DriverErrorKind.InvalidArgument => StatusCodes.Status400BadRequest,
        DriverErrorKind.NotImplemented => StatusCodes.Status501NotImplemented,
        DriverErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        DriverErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Maps any exception escaping an endpoint to a status and a message fit for the user.</summary>
    public static (int Status, string Message) Describe(Exception exception) => exception switch
    {
        DriverException driver => (StatusOf(driver.Kind), driver.Message),
        JsonException json => (StatusCodes.Status400BadRequest, $"invalid JSON: {json.Message}"),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        OperationCanceledException => (499, "request canceled"),
        _ => (StatusCodes.Status500InternalServerError, exception.Message),
    };
}
