using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task<NetworkCreateResponse> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/networks/create", JsonContent(request, NetworkJson.Default.NetworkCreateRequest),
            NetworkJson.Default.NetworkCreateResponse, cancellationToken);

    public Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Delete, $"/networks/{Escape(idOrName)}", null, cancellationToken);
}
