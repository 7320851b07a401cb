using System.Runtime.CompilerServices;
using System.Text.Json;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

public sealed partial class EngineClient
{
    /// <summary><c>GET /containers/{id}/stats</c>: one frame (with <c>precpu_stats</c> filled) when <paramref name="stream"/>
    /// is false, otherwise a frame per interval until the container ends or the token is cancelled.</summary>
    public async IAsyncEnumerable<ContainerStats> StatsAsync(
        string id, bool stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/containers/{Escape(id)}/stats" + new QueryString().Add("stream", stream), null, cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
                continue;
            var frame = JsonSerializer.Deserialize(line, ApiJson.Default.ContainerStats);
            if (frame is not null)
                yield return frame;
        }
    }
}
