using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task ConnectNetworkAsync(string network, NetworkConnectRequest request, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/networks/{Escape(network)}/connect",
            JsonContent(request, NetworkConnectJson.Default.NetworkConnectRequest), cancellationToken);

    public Task DisconnectNetworkAsync(string network, NetworkDisconnectRequest request, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/networks/{Escape(network)}/disconnect",
            JsonContent(request, NetworkConnectJson.Default.NetworkDisconnectRequest), cancellationToken);

    public Task<NetworkPruneResponse> PruneNetworksAsync(DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Post, "/networks/prune" + query, null, NetworkConnectJson.Default.NetworkPruneResponse, cancellationToken);
    }
}
