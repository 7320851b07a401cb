namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    /// <summary><c>POST /containers/{id}/resize?h=&amp;w=</c>: the size of the container's terminal.</summary>
    public Task ResizeContainerAsync(string id, uint height, uint width, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/resize" + new QueryString().Add("h", height).Add("w", width), null, cancellationToken);

    /// <summary><c>POST /exec/{id}/resize?h=&amp;w=</c>: the size of the exec's terminal.</summary>
    public Task ResizeExecAsync(string execId, uint height, uint width, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/exec/{Escape(execId)}/resize" + new QueryString().Add("h", height).Add("w", width), null, cancellationToken);
}
