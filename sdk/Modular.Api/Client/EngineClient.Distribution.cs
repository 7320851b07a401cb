using System.Net.Http.Headers;
using System.Text.Json;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    private const string RegistryAuthHeader = "X-Registry-Auth";

    /// <summary>
    /// <c>POST /images/create?fromImage=&amp;tag=</c>: pulls from a registry; <paramref name="registryAuth"/> is the
    /// base64url AuthConfig JSON sent as X-Registry-Auth (null for anonymous). Yields the progress stream.
    /// </summary>
    public IAsyncEnumerable<ProgressMessage> PullImageAsync(string image, string? tag, string? platform, string? registryAuth,
        CancellationToken cancellationToken = default) =>
        StreamWithAuthAsync("/images/create" + new QueryString().Add("fromImage", image).Add("tag", tag).Add("platform", platform),
            registryAuth, cancellationToken);

    /// <summary><c>POST /images/{name}/push?tag=</c> with X-Registry-Auth; yields the progress stream.</summary>
    public IAsyncEnumerable<ProgressMessage> PushImageAsync(string name, string? tag, string? registryAuth, CancellationToken cancellationToken = default) =>
        StreamWithAuthAsync($"/images/{name}/push" + new QueryString().Add("tag", tag), registryAuth, cancellationToken);

    /// <summary><c>POST /auth</c> with an AuthConfig JSON body; returns the daemon's Status line ("Login Succeeded").</summary>
    public async Task<string> LoginAsync(byte[] authConfigJson, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(authConfigJson);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var answer = await SendJsonAsync(HttpMethod.Post, "/auth", content, ApiJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        return answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("Status", out var status) ? status.GetString() ?? "" : "";
    }

    private async IAsyncEnumerable<ProgressMessage> StreamWithAuthAsync(string pathAndQuery, string? registryAuth,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent([]);
        if (!string.IsNullOrEmpty(registryAuth))
            content.Headers.TryAddWithoutValidation(RegistryAuthHeader, registryAuth);
        using var response = await SendAsync(HttpMethod.Post, pathAndQuery, content, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in JsonMessageStream.ReadAllAsync(body, ApiJson.Default.ProgressMessage, cancellationToken).ConfigureAwait(false))
            yield return message;
    }
}
