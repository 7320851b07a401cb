using System.Text;
using System.Text.Json;

namespace Modular.Api.Client;

/// <summary>The <c>X-Docker-Container-Path-Stat</c> header: base64 JSON describing a path in a container.</summary>
/// <param name="Mode">Go's os.FileMode bits (type bits high, permission bits low).</param>
public sealed record ContainerPathStat(string Name, long Size, uint Mode, string ModifiedTime, string LinkTarget)
{
    public const string HeaderName = "X-Docker-Container-Path-Stat";

    private const uint GoModeDir = 1u << 31;
    private const uint GoModeSymlink = 1u << 27;

    public bool IsDirectory => (Mode & GoModeDir) != 0;
    public bool IsSymlink => (Mode & GoModeSymlink) != 0;

    /// <summary>Decodes the header value; null when it is missing or not the JSON docker sends.</summary>
    public static ContainerPathStat? FromHeader(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(value));
            var root = document.RootElement;
            string Text(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
            return new ContainerPathStat(Text("name"),
                root.TryGetProperty("size", out var size) && size.TryGetInt64(out var s) ? s : 0,
                root.TryGetProperty("mode", out var mode) && mode.TryGetUInt32(out var m) ? m : 0,
                Text("mtime"), Text("linkTarget"));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>A tar of a container path, with the stat of that path; dispose it to close the connection.</summary>
public sealed class ContainerArchive(HttpResponseMessage response, Stream content, ContainerPathStat? stat) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;
    public ContainerPathStat? Stat { get; } = stat;

    public void Dispose()
    {
        Content.Dispose();
        response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
    }
}

public sealed partial class EngineClient
{
    /// <summary><c>HEAD /containers/{id}/archive?path=</c>: what is at that path (a 404 has no body, so its message is docker's client's).</summary>
    public async Task<ContainerPathStat> StatContainerPathAsync(string id, string path, CancellationToken cancellationToken = default)
    {
        var versioned = await VersionedAsync($"/containers/{Escape(id)}/archive" + new QueryString().Add("path", path), cancellationToken).ConfigureAwait(false);
        using var response = await SendRawAsync(HttpMethod.Head, versioned, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            throw new EngineApiException(response.StatusCode, $"Could not find the file {path} in container {id}");
        if ((int)response.StatusCode >= 400)
            throw new EngineApiException(response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}");
        return ContainerPathStat.FromHeader(HeaderValue(response, ContainerPathStat.HeaderName))
               ?? throw new InvalidDataException("the daemon sent no path stat for " + path);
    }

    /// <summary><c>GET /containers/{id}/archive?path=</c>: a tar of the path, named by its base name.</summary>
    public async Task<ContainerArchive> GetArchiveAsync(string id, string path, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, $"/containers/{Escape(id)}/archive" + new QueryString().Add("path", path), null, cancellationToken)
            .ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new ContainerArchive(response, body, ContainerPathStat.FromHeader(HeaderValue(response, ContainerPathStat.HeaderName)));
    }

    /// <summary><c>PUT /containers/{id}/archive?path=</c>: extracts a tar into the directory at path.</summary>
    public Task PutArchiveAsync(string id, string path, Stream tar, bool copyUidGid, bool noOverwriteDirNonDir = true, CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("path", path).AddIfTrue("noOverwriteDirNonDir", noOverwriteDirNonDir).AddIfTrue("copyUIDGID", copyUidGid);
        var content = new StreamContent(tar);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        return SendAndDiscardAsync(HttpMethod.Put, $"/containers/{Escape(id)}/archive" + query, content, cancellationToken);
    }

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join("", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join("", contentValues) : null;
}
