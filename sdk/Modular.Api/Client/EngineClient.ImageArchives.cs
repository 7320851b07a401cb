using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    /// <summary><c>POST /commit</c>: a new image of the container's changes; returns the image id.</summary>
    public async Task<string> CommitContainerAsync(string container, string? repository, string? tag, string? comment, string? author,
        bool pause, IReadOnlyList<string> changes, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("container", container).Add("repo", repository).Add("tag", tag)
            .Add("comment", comment).Add("author", author);
        foreach (var change in changes)
            query.Add("changes", change);
        if (!pause)
            query.Add("pause", "0");
        var response = await SendJsonAsync(HttpMethod.Post, "/commit" + query, null, ApiJson.Default.IdResponse, cancellationToken).ConfigureAwait(false);
        return response.Id;
    }

    /// <summary><c>GET /containers/{id}/export</c>: the container's filesystem as a tar stream.</summary>
    public Task<EngineResponseStream> ExportContainerAsync(string id, CancellationToken cancellationToken = default) =>
        OpenStreamAsync($"/containers/{Escape(id)}/export", cancellationToken);

    /// <summary><c>GET /images/get?names=...</c>: a <c>docker save</c> tar of the images.</summary>
    public Task<EngineResponseStream> SaveImagesAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        foreach (var name in names)
            query.Add("names", name);
        return OpenStreamAsync("/images/get" + query, cancellationToken);
    }

    /// <summary><c>POST /images/prune</c> with the API's filters.</summary>
    public Task<ImagesPruneResponse> PruneImagesAsync(DockerFilters? filters, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Post, "/images/prune" + query, null, ApiJson.Default.ImagesPruneResponse, cancellationToken);
    }

    private async Task<EngineResponseStream> OpenStreamAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, pathAndQuery, null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new EngineResponseStream(response, body);
    }
}
