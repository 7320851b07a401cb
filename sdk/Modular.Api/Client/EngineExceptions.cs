using System.Net;

namespace Modular.Api.Client;

/// <summary>The daemon answered with an error status; <see cref="Message"/> is its <c>message</c>.</summary>
public sealed class EngineApiException(HttpStatusCode statusCode, string message) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
}

/// <summary>No connection could be made to the daemon's socket.</summary>
public sealed class EngineUnreachableException(EngineEndpoint endpoint, Exception inner)
    : Exception($"cannot connect to the daemon at {endpoint}: {inner.Message}", inner)
{
    public EngineEndpoint Endpoint { get; } = endpoint;
}
