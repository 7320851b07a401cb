using System.Text.Json;

namespace Modular.Kernel.Images.Distribution;

/// <summary><c>docker pull --all-tags</c>: the tags of a repository (GET /v2/&lt;name&gt;/tags/list).</summary>
internal static class TagLister
{
    public static async Task<IReadOnlyList<string>> ListAsync(RegistryHttp http, RegistrySettings settings, ImageReference reference,
        RegistryCredentials credentials, CancellationToken cancellationToken)
    {
        var endpoint = settings.EndpointsFor(reference.Domain, forPush: true)[0];
        foreach (var candidate in settings.EndpointsFor(reference.Domain, forPush: true))
        {
            var session = new RegistrySession(http, candidate, reference.Path, push: false, credentials);
            try
            {
                await session.PingAsync(cancellationToken);
            }
            catch (HttpRequestException)
            {
                continue;
            }
            using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, session.Url("tags/list")), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await RegistryErrors.FromResponseAsync(response, $"error listing tags of {reference.FamiliarRepository}", cancellationToken);
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return document.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                ? tags.EnumerateArray().Select(tag => tag.GetString() ?? "").Where(tag => tag.Length > 0).Order(StringComparer.Ordinal).ToArray()
                : [];
        }
        throw new Sdk.DriverException(Sdk.DriverErrorKind.Unavailable, $"no endpoint of {reference.Domain} ({endpoint}) answered");
    }
}
