using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Modular.Api.Client;

namespace Modular.Cli.Commands;

/// <summary>
/// The daemon's <c>/modular/plugins</c> API, which is Modular's own (unversioned, outside the Engine API the typed
/// client models). Answers are read as JSON documents, which Native AOT handles without generated serializers.
/// </summary>
internal sealed class PluginApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly EngineEndpoint _endpoint;

    public PluginApiClient(string host)
    {
        _endpoint = EngineEndpoint.Parse(host);
        var endpoint = _endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                try
                {
                    return new NetworkStream(await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false), ownsSocket: true);
                }
                catch (SocketException e)
                {
                    throw new EngineUnreachableException(endpoint, e);
                }
            },
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<JsonElement> InstallAsync(string packagePath, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(packagePath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await SendAsync(HttpMethod.Post, "modular/plugins/install", content, cancellationToken).ConfigureAwait(false);
    }

    public Task<JsonElement> ListAsync(CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, "modular/plugins", null, cancellationToken);

    public Task<JsonElement> GetAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"modular/plugins/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<JsonElement> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"modular/plugins/{Uri.EscapeDataString(name)}/{(enabled ? "enable" : "disable")}", null, cancellationToken);

    public Task RemoveAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"modular/plugins/{Uri.EscapeDataString(name)}", null, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliStatusException(1, "Error response from daemon: " + ErrorMessage(body, response.StatusCode));
        }
        if (body.Length == 0)
        {
            return default;
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static string ErrorMessage(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }
        return body.Length > 0 ? body : $"{(int)status} {status}";
    }

    public void Dispose() => _http.Dispose();
}
