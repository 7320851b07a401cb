using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>
/// Body of <c>POST /containers/create</c>: Docker flattens <see cref="ContainerConfig"/> at the top level and adds
/// <c>HostConfig</c> and <c>NetworkingConfig</c> beside it.
/// </summary>
public sealed class ContainerCreateRequest : ContainerConfig
{
    [JsonPropertyName("HostConfig")] public HostConfig? HostConfig { get; set; }
    [JsonPropertyName("NetworkingConfig")] public NetworkingConfig? NetworkingConfig { get; set; }
}

/// <summary>201 answer of create: <c>{"Id": "...", "Warnings": []}</c>.</summary>
public sealed class ContainerCreateResponse
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Warnings")] public List<string> Warnings { get; set; } = [];
}

/// <summary>Answer of <c>POST /containers/{id}/wait</c>.</summary>
public sealed class ContainerWaitResponse
{
    [JsonPropertyName("StatusCode")] public long StatusCode { get; set; }

    [JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContainerWaitExitError? Error { get; set; }
}

public sealed class ContainerWaitExitError
{
    [JsonPropertyName("Message")] public string Message { get; set; } = "";
}

/// <summary>Answer of <c>GET /containers/{id}/top</c>.</summary>
public sealed class ContainerTopResponse
{
    [JsonPropertyName("Titles")] public List<string>? Titles { get; set; }
    [JsonPropertyName("Processes")] public List<List<string>>? Processes { get; set; }
}
