using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    public Task<VolumeListResponse> ListVolumesAsync(DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Get, "/volumes" + query, null, ApiJson.Default.VolumeListResponse, cancellationToken);
    }

    public Task<Volume> CreateVolumeAsync(VolumeCreateRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/volumes/create", JsonContent(request, ApiJson.Default.VolumeCreateRequest), ApiJson.Default.Volume, cancellationToken);

    public Task<Volume> InspectVolumeAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/volumes/{Escape(name)}", null, ApiJson.Default.Volume, cancellationToken);

    public Task RemoveVolumeAsync(string name, bool force = false, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Delete, $"/volumes/{Escape(name)}" + new QueryString().AddIfTrue("force", force), null, cancellationToken);

    public Task<VolumePruneResponse> PruneVolumesAsync(DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Post, "/volumes/prune" + query, null, ApiJson.Default.VolumePruneResponse, cancellationToken);
    }
}
