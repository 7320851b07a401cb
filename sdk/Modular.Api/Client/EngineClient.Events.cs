using System.Runtime.CompilerServices;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

/// <summary>What <c>GET /events</c> should return: a window in time (Unix seconds, as the CLI converts them) and filters.</summary>
public sealed record EventsOptions
{
    public string? Since { get; init; }
    public string? Until { get; init; }
    public DockerFilters? Filters { get; init; }
}

public sealed partial class EngineClient
{
    /// <summary>The daemon's event stream; ends when <c>until</c> is reached or the daemon closes it.</summary>
    public async IAsyncEnumerable<EventMessage> EventsAsync(EventsOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("since", options.Since).Add("until", options.Until);
        if (options.Filters is { IsEmpty: false } filters)
            query.Add("filters", filters.ToJson());
        using var response = await SendAsync(HttpMethod.Get, "/events" + query, null, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in JsonMessageStream.ReadAllAsync(body, ApiJson.Default.EventMessage, cancellationToken).ConfigureAwait(false))
            yield return message;
    }

    public Task<DiskUsage> DiskUsageAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, "/system/df", null, ApiJson.Default.DiskUsage, cancellationToken);
}
