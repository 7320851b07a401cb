using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/pause", null, cancellationToken);

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/unpause", null, cancellationToken);

    public Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/rename" + new QueryString().Add("name", newName), null, cancellationToken);

    /// <summary><c>GET /containers/{id}/changes</c>: the writable layer's differences from the image, in the daemon's order.</summary>
    public Task<List<ContainerChange>> ContainerChangesAsync(string id, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/containers/{Escape(id)}/changes", null, ApiJson.Default.ListContainerChange, cancellationToken);
}
