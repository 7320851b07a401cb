using System.Net.Http.Headers;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

/// <summary>What <c>POST /build</c> takes besides the context tar (the classic builder's query parameters).</summary>
public sealed record BuildParameters
{
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Dockerfile { get; init; }
    /// <summary>Build args as a JSON object of strings (<c>{"A":"1"}</c>), or null for none.</summary>
    public string? BuildArgsJson { get; init; }
    /// <summary>Labels as a JSON object of strings, or null for none.</summary>
    public string? LabelsJson { get; init; }
    public string? Target { get; init; }
    public bool NoCache { get; init; }
    public bool Pull { get; init; }
    public bool Remove { get; init; } = true;
    public bool ForceRemove { get; init; }
    public bool Quiet { get; init; }
    public string? NetworkMode { get; init; }
    public string? Platform { get; init; }
}

public sealed partial class EngineClient
{
    /// <summary><c>POST /build?version=1</c> (the classic builder) with the context tar as body; yields the build's JSON stream.</summary>
    public async IAsyncEnumerable<ProgressMessage> BuildImageAsync(Stream context, BuildParameters parameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new QueryString();
        foreach (var tag in parameters.Tags)
            query.Add("t", tag);
        query.Add("dockerfile", parameters.Dockerfile).Add("buildargs", parameters.BuildArgsJson).Add("labels", parameters.LabelsJson)
            .Add("target", parameters.Target).AddIfTrue("nocache", parameters.NoCache).AddIfTrue("pull", parameters.Pull)
            .Add("rm", parameters.Remove).AddIfTrue("forcerm", parameters.ForceRemove).AddIfTrue("q", parameters.Quiet)
            .Add("networkmode", parameters.NetworkMode).Add("platform", parameters.Platform).Add("version", "1");
        var content = new StreamContent(context);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(HttpMethod.Post, "/build" + query, content, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in JsonMessageStream.ReadAllAsync(body, ApiJson.Default.ProgressMessage, cancellationToken).ConfigureAwait(false))
            yield return message;
    }
}
