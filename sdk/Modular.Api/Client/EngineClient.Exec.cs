using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    /// <summary><c>POST /containers/{id}/exec</c>: registers the command and returns the exec's id.</summary>
    public async Task<string> CreateExecAsync(string container, ExecConfig config, CancellationToken cancellationToken = default)
    {
        var created = await SendJsonAsync(HttpMethod.Post, $"/containers/{Escape(container)}/exec",
            JsonContent(config, ApiJson.Default.ExecConfig), ApiJson.Default.IdResponse, cancellationToken).ConfigureAwait(false);
        return created.Id;
    }

    /// <summary><c>POST /exec/{id}/start</c> with <c>Detach:true</c>: returns once the process has started.</summary>
    public Task StartExecDetachedAsync(string execId, bool tty = false, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/exec/{Escape(execId)}/start",
            JsonContent(new ExecStartConfig { Detach = true, Tty = tty }, ApiJson.Default.ExecStartConfig), cancellationToken);

    /// <summary><c>GET /exec/{id}/json</c>: whether it still runs, and its exit code once it has ended.</summary>
    public Task<ExecInspect> InspectExecAsync(string execId, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/exec/{Escape(execId)}/json", null, ApiJson.Default.ExecInspect, cancellationToken);
}
