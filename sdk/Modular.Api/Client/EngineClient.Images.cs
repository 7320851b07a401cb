using System.Net.Http.Headers;
using System.Text.Json;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task<List<ImageSummary>> ListImagesAsync(bool all = false, bool digests = false, DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().AddIfTrue("all", all).AddIfTrue("digests", digests);
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Get, "/images/json" + query, null, ApiJson.Default.ListImageSummary, cancellationToken);
    }

    public Task<ImageInspect> InspectImageAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/images/{name}/json", null, ApiJson.Default.ImageInspect, cancellationToken);

    /// <summary>Image names keep their slashes in the path (<c>/images/library/busybox:latest/json</c>), as Docker's client sends them.</summary>
    public Task<JsonElement> InspectImageRawAsync(string name, CancellationToken cancellationToken = default) =>
        GetRawJsonAsync($"/images/{name}/json", cancellationToken);

    public Task<List<HistoryItem>> ImageHistoryAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/images/{name}/history", null, ApiJson.Default.ListHistoryItem, cancellationToken);

    public Task<List<ImageDeleteResponseItem>> RemoveImageAsync(string name, bool force = false, bool noPrune = false, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Delete, $"/images/{name}" + new QueryString().AddIfTrue("force", force).AddIfTrue("noprune", noPrune), null,
            ApiJson.Default.ListImageDeleteResponseItem, cancellationToken);

    public Task TagImageAsync(string source, string repository, string? tag, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/images/{source}/tag" + new QueryString().Add("repo", repository).Add("tag", tag), null, cancellationToken);

    /// <summary><c>POST /images/create?fromSrc=-</c> with the tarball as body; yields the progress stream.</summary>
    public async IAsyncEnumerable<ProgressMessage> ImportImageAsync(
        Stream tarball, string? repository, string? tag, string? message, IReadOnlyList<string> changes, string? platform = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("fromSrc", "-").Add("repo", repository).Add("tag", tag).Add("message", message).Add("platform", platform);
        foreach (var change in changes)
            query.Add("changes", change);
        await foreach (var item in StreamProgressAsync("/images/create" + query, tarball, cancellationToken).ConfigureAwait(false))
            yield return item;
    }

    /// <summary><c>POST /images/load</c> with a <c>docker save</c> tarball as body; yields the progress stream.</summary>
    public IAsyncEnumerable<ProgressMessage> LoadImageAsync(Stream tarball, bool quiet, CancellationToken cancellationToken = default) =>
        StreamProgressAsync("/images/load" + new QueryString().Add("quiet", quiet), tarball, cancellationToken);

    private async IAsyncEnumerable<ProgressMessage> StreamProgressAsync(
        string pathAndQuery, Stream tarball, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var content = new StreamContent(tarball);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(HttpMethod.Post, pathAndQuery, content, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in JsonMessageStream.ReadAllAsync(body, ApiJson.Default.ProgressMessage, cancellationToken).ConfigureAwait(false))
            yield return message;
    }
}
