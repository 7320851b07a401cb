using System.Text;
using System.Text.Json;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Api.Client;

/// <summary>What <c>GET /containers/{id}/logs</c> should return.</summary>
public sealed record LogsOptions
{
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;
    public bool Follow { get; init; }
    public bool Timestamps { get; init; }
    public bool Details { get; init; }
    /// <summary>"all" or a number of lines.</summary>
    public string Tail { get; init; } = "all";
    /// <summary>Unix seconds with optional fraction, as the CLI converts from durations and dates.</summary>
    public string? Since { get; init; }
    public string? Until { get; init; }
}

/// <summary>Which streams an attach should connect.</summary>
public sealed record AttachOptions(bool Stdin, bool Stdout, bool Stderr, string? DetachKeys = null);

public sealed partial class EngineClient
{
    public Task<ContainerCreateResponse> CreateContainerAsync(
        ContainerCreateRequest request, string? name = null, string? platform = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("name", string.IsNullOrEmpty(name) ? null : name).Add("platform", platform);
        return SendJsonAsync(HttpMethod.Post, "/containers/create" + query,
            JsonContent(request, ApiJson.Default.ContainerCreateRequest), ApiJson.Default.ContainerCreateResponse, cancellationToken);
    }

    /// <summary>Starts the container. Returns false when it was already running (304).</summary>
    public async Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/start", null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != System.Net.HttpStatusCode.NotModified;
    }

    /// <summary>Stops the container. Returns false when it was already stopped (304).</summary>
    public async Task<bool> StopContainerAsync(string id, int? timeoutSeconds = null, string? signal = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("t", timeoutSeconds).Add("signal", signal);
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/stop" + query, null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != System.Net.HttpStatusCode.NotModified;
    }

    public Task RestartContainerAsync(string id, int? timeoutSeconds = null, string? signal = null, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/restart" + new QueryString().Add("t", timeoutSeconds).Add("signal", signal), null, cancellationToken);

    public Task KillContainerAsync(string id, string? signal = null, CancellationToken cancellationToken = default) =>
        SendAndDiscardAsync(HttpMethod.Post, $"/containers/{Escape(id)}/kill" + new QueryString().Add("signal", signal), null, cancellationToken);

    public Task RemoveContainerAsync(string id, bool force = false, bool removeVolumes = false, bool removeLink = false, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().AddIfTrue("v", removeVolumes).AddIfTrue("force", force).AddIfTrue("link", removeLink);
        return SendAndDiscardAsync(HttpMethod.Delete, $"/containers/{Escape(id)}" + query, null, cancellationToken);
    }

    public Task<List<ContainerSummary>> ListContainersAsync(
        bool all = false, int? limit = null, bool size = false, DockerFilters? filters = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().AddIfTrue("all", all).Add("limit", limit > 0 ? limit : null).AddIfTrue("size", size);
        if (filters is { IsEmpty: false })
            query.Add("filters", filters.ToJson());
        return SendJsonAsync(HttpMethod.Get, "/containers/json" + query, null, ApiJson.Default.ListContainerSummary, cancellationToken);
    }

    public Task<ContainerInspect> InspectContainerAsync(string id, bool size = false, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/containers/{Escape(id)}/json" + new QueryString().AddIfTrue("size", size), null,
            ApiJson.Default.ContainerInspect, cancellationToken);

    public Task<JsonElement> InspectContainerRawAsync(string id, bool size = false, CancellationToken cancellationToken = default) =>
        GetRawJsonAsync($"/containers/{Escape(id)}/json" + new QueryString().AddIfTrue("size", size), cancellationToken);

    public Task<ContainerTopResponse> TopAsync(string id, string? psArgs = null, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Get, $"/containers/{Escape(id)}/top" + new QueryString().Add("ps_args", psArgs), null,
            ApiJson.Default.ContainerTopResponse, cancellationToken);

    /// <summary>
    /// Registers a wait and returns once the daemon has answered with headers (so the wait is in place before a
    /// following start); the inner task completes when the container reaches <paramref name="condition"/>
    /// ("not-running", "next-exit" or "removed").
    /// </summary>
    public async Task<Task<ContainerWaitResponse>> BeginWaitContainerAsync(string id, string condition = "not-running", CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/wait" + new QueryString().Add("condition", condition), null, cancellationToken)
            .ConfigureAwait(false);
        return ReadWaitBodyAsync(response, cancellationToken);
    }

    private static async Task<ContainerWaitResponse> ReadWaitBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return (await JsonSerializer.DeserializeAsync(body, ApiJson.Default.ContainerWaitResponse, cancellationToken).ConfigureAwait(false))!;
        }
    }

    public async Task<ContainerWaitResponse> WaitContainerAsync(string id, string condition = "not-running", CancellationToken cancellationToken = default) =>
        await (await BeginWaitContainerAsync(id, condition, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<EngineResponseStream> LogsAsync(string id, LogsOptions options, CancellationToken cancellationToken = default)
    {
        var query = new QueryString()
            .Add("stdout", options.Stdout).Add("stderr", options.Stderr)
            .AddIfTrue("follow", options.Follow).AddIfTrue("timestamps", options.Timestamps).AddIfTrue("details", options.Details)
            .Add("tail", options.Tail).Add("since", options.Since).Add("until", options.Until);
        var response = await SendAsync(HttpMethod.Get, $"/containers/{Escape(id)}/logs" + query, null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new EngineResponseStream(response, body);
    }

    /// <summary><c>POST /containers/{id}/attach?stream=1</c>, hijacked.</summary>
    public Task<HijackedConnection> AttachAsync(string id, AttachOptions options, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("stream", true)
            .AddIfTrue("stdin", options.Stdin).AddIfTrue("stdout", options.Stdout).AddIfTrue("stderr", options.Stderr)
            .Add("detachKeys", options.DetachKeys);
        return HijackAsync($"/containers/{Escape(id)}/attach" + query, "text/plain", null, cancellationToken);
    }

    /// <summary><c>POST /exec/{id}/start</c> with <c>Detach:false</c>, hijacked.</summary>
    public Task<HijackedConnection> StartExecAttachedAsync(string execId, bool tty, CancellationToken cancellationToken = default) =>
        StartExecAttachedAsync(execId, tty, consoleSize: null, cancellationToken);

    /// <summary><c>POST /exec/{id}/start</c> with <c>Detach:false</c> and the terminal's initial [height, width], hijacked.</summary>
    public Task<HijackedConnection> StartExecAttachedAsync(string execId, bool tty, ulong[]? consoleSize, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ExecStartConfig { Detach = false, Tty = tty, ConsoleSize = consoleSize }, ApiJson.Default.ExecStartConfig);
        return HijackAsync($"/exec/{Escape(execId)}/start", "application/json", body, cancellationToken);
    }
}
