using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task<VersionResponse> VersionAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, "/version", null, ApiJson.Default.VersionResponse, cancellationToken);

    public Task<SystemInfo> InfoAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, "/info", null, ApiJson.Default.SystemInfo, cancellationToken);

    public Task<List<NetworkSummary>> ListNetworksAsync(DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Get, "/networks" + query, null, ApiJson.Default.ListNetworkSummary, cancellationToken);
    }

    public Task<NetworkSummary> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/networks/{Escape(idOrName)}", null, ApiJson.Default.NetworkSummary, cancellationToken);
}
