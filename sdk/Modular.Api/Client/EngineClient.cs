using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Modular.Api.Json;

namespace Modular.Api.Client;

/// <summary>
/// Typed Engine API client. The first call negotiates the API version with <c>HEAD /_ping</c> and then uses
/// min(<see cref="MaxApiVersion"/>, the daemon's <c>Api-Version</c>) in every versioned path.
/// </summary>
public sealed partial class EngineClient : IDisposable
{
    /// <summary>The highest API version this client speaks (Docker 28.3–28.5).</summary>
    public const string MaxApiVersion = "1.51";

    /// <summary>What an old daemon that sends no Api-Version header is assumed to speak (docker CLI 28 rule).</summary>
    public const string FallbackApiVersion = "1.24";

    private readonly HttpClient _http;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private string? _apiVersion;

    public EngineClient(EngineEndpoint endpoint, string userAgent = "modular-cli/0.1")
    {
        Endpoint = endpoint;
        UserAgent = userAgent;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                try
                {
                    var socket = await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    throw new EngineUnreachableException(endpoint, e);
                }
            },
            UseProxy = false,
            AllowAutoRedirect = false,
            // Finite pool timeouts start a cleaning timer, and with it a timer thread, at the first request: 4% of a
            // `modular ps`. An idle connection the daemon closes meanwhile is noticed, and replaced, before reuse.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Clear();
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
    }

    public EngineEndpoint Endpoint { get; }
    public string UserAgent { get; }

    /// <summary>The negotiated version, once a call has been made.</summary>
    public string? ApiVersion => _apiVersion;

    /// <summary>Headers the daemon sent on <c>/_ping</c> (Api-Version, Ostype, Server, …).</summary>
    public IReadOnlyDictionary<string, string> PingHeaders { get; private set; } = new Dictionary<string, string>();

    public async Task<string> NegotiateAsync(CancellationToken cancellationToken = default)
    {
        if (_apiVersion is not null)
            return _apiVersion;
        await _negotiation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_apiVersion is not null)
                return _apiVersion;
            var headers = await PingAsync(cancellationToken).ConfigureAwait(false);
            PingHeaders = headers;
            _apiVersion = headers.TryGetValue("Api-Version", out var server) && !string.IsNullOrEmpty(server)
                ? ChooseVersion(MaxApiVersion, server)
                : FallbackApiVersion;
            return _apiVersion;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    /// <summary>min(client, server) comparing dotted numbers, not strings ("1.9" &lt; "1.44").</summary>
    public static string ChooseVersion(string client, string server) =>
        Version.TryParse(server, out var s) && Version.TryParse(client, out var c) && s < c ? server : client;

    /// <summary><c>HEAD /_ping</c>, falling back to <c>GET</c> when HEAD fails with an HTTP error.</summary>
    public async Task<Dictionary<string, string>> PingAsync(CancellationToken cancellationToken = default)
    {
        using var head = await SendRawAsync(HttpMethod.Head, "/_ping", null, cancellationToken).ConfigureAwait(false);
        if (head.IsSuccessStatusCode || head.StatusCode == HttpStatusCode.InternalServerError)
            return CollectHeaders(head);

        using var get = await SendRawAsync(HttpMethod.Get, "/_ping", null, cancellationToken).ConfigureAwait(false);
        if (!get.IsSuccessStatusCode && get.StatusCode != HttpStatusCode.InternalServerError)
            await ThrowForErrorAsync(get, cancellationToken).ConfigureAwait(false);
        return CollectHeaders(get);
    }

    private static Dictionary<string, string> CollectHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
            headers[name] = string.Join(",", values);
        foreach (var (name, values) in response.Content.Headers)
            headers[name] = string.Join(",", values);
        return headers;
    }

    private async Task<string> VersionedAsync(string path, CancellationToken cancellationToken) =>
        "/v" + await NegotiateAsync(cancellationToken).ConfigureAwait(false) + path;

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, pathAndQuery) { Content = content };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is EngineUnreachableException unreachable)
        {
            throw unreachable;
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            throw new EngineUnreachableException(Endpoint, socket);
        }
    }

    /// <summary>Sends a versioned request and throws <see cref="EngineApiException"/> for error statuses.
    /// The response body is left unread (streams, large answers).</summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken)
    {
        var path = await VersionedAsync(pathAndQuery, cancellationToken).ConfigureAwait(false);
        var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 400)
        {
            using (response)
                await ThrowForErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }

    internal async Task SendAndDiscardAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, pathAndQuery, content, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<T> SendJsonAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, pathAndQuery, content, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return (await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The raw JSON of a GET, for <c>inspect</c> (which prints exactly what the daemon sent).</summary>
    public async Task<JsonElement> GetRawJsonAsync(string pathAndQuery, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, pathAndQuery, null, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.Clone();
    }

    internal static HttpContent JsonContent<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task ThrowForErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var message = ErrorMessageFrom(body, response.Content.Headers.ContentType?.MediaType);
        if (string.IsNullOrEmpty(message))
            message = response.StatusCode == HttpStatusCode.NotFound ? "page not found" : $"{(int)response.StatusCode} {response.ReasonPhrase}";
        throw new EngineApiException(response.StatusCode, message);
    }

    /// <summary>The <c>message</c> of a JSON error body, or the trimmed text of any other body.</summary>
    internal static string ErrorMessageFrom(string body, string? contentType)
    {
        if (contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var error = JsonSerializer.Deserialize(body, ApiJson.Default.ErrorResponse);
                if (error is not null)
                    return error.Message;
            }
            catch (JsonException)
            {
                // Not the JSON it claimed to be: fall through and show the text.
            }
        }
        return body.Trim();
    }

    internal Task<HijackedConnection> HijackAsync(string pathAndQuery, string contentType, byte[]? body, CancellationToken cancellationToken) =>
        HijackCoreAsync(pathAndQuery, contentType, body, cancellationToken);

    private async Task<HijackedConnection> HijackCoreAsync(string pathAndQuery, string contentType, byte[]? body, CancellationToken cancellationToken)
    {
        var path = await VersionedAsync(pathAndQuery, cancellationToken).ConfigureAwait(false);
        return await HijackedConnection.OpenAsync(Endpoint, path, contentType, body, UserAgent, cancellationToken).ConfigureAwait(false);
    }

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);

    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }
}

/// <summary>A streamed response body (logs, export); dispose it to close the connection.</summary>
public sealed class EngineResponseStream(HttpResponseMessage response, Stream body) : IDisposable, IAsyncDisposable
{
    public Stream Body { get; } = body;
    public string? ContentType { get; } = response.Content.Headers.ContentType?.MediaType;
    public bool IsMultiplexed => ContentType == "application/vnd.docker.multiplexed-stream";

    public void Dispose()
    {
        Body.Dispose();
        response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
    }
}
