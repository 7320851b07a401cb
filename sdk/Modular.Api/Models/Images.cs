using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>One element of <c>GET /images/json</c>.</summary>
public sealed class ImageSummary
{
    [JsonPropertyName("Containers")] public long Containers { get; set; }
    [JsonPropertyName("Created")] public long Created { get; set; }
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("ParentId")] public string ParentId { get; set; } = "";

    [JsonPropertyName("Descriptor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Descriptor { get; set; }

    [JsonPropertyName("Manifests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Manifests { get; set; }

    [JsonPropertyName("RepoDigests")] public List<string>? RepoDigests { get; set; }
    [JsonPropertyName("RepoTags")] public List<string>? RepoTags { get; set; }
    [JsonPropertyName("SharedSize")] public long SharedSize { get; set; }
    [JsonPropertyName("Size")] public long Size { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>Answer of <c>GET /images/{name}/json</c>.</summary>
public sealed class ImageInspect
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("RepoTags")] public List<string>? RepoTags { get; set; }
    [JsonPropertyName("RepoDigests")] public List<string>? RepoDigests { get; set; }
    [JsonPropertyName("Parent")] public string Parent { get; set; } = "";
    [JsonPropertyName("Comment")] public string Comment { get; set; } = "";

    [JsonPropertyName("Created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Created { get; set; }

    [JsonPropertyName("DockerVersion")] public string DockerVersion { get; set; } = "";
    [JsonPropertyName("Author")] public string Author { get; set; } = "";
    [JsonPropertyName("Config")] public ContainerConfig? Config { get; set; }
    [JsonPropertyName("Architecture")] public string Architecture { get; set; } = "";

    [JsonPropertyName("Variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; set; }

    [JsonPropertyName("Os")] public string Os { get; set; } = "";

    [JsonPropertyName("OsVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; set; }

    [JsonPropertyName("Size")] public long Size { get; set; }
    [JsonPropertyName("GraphDriver")] public GraphDriverData GraphDriver { get; set; } = new();
    [JsonPropertyName("RootFS")] public ImageRootFs RootFS { get; set; } = new();
    [JsonPropertyName("Metadata")] public ImageMetadata Metadata { get; set; } = new();

    [JsonPropertyName("Descriptor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Descriptor { get; set; }

    [JsonPropertyName("Manifests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Manifests { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ImageRootFs
{
    [JsonPropertyName("Type")] public string Type { get; set; } = "layers";
    [JsonPropertyName("Layers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Layers { get; set; }
}

public sealed class ImageMetadata
{
    [JsonPropertyName("LastTagTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastTagTime { get; set; }
}

/// <summary>One element of <c>DELETE /images/{name}</c>'s answer: exactly one of the two is set.</summary>
public sealed class ImageDeleteResponseItem
{
    [JsonPropertyName("Untagged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Untagged { get; set; }
    [JsonPropertyName("Deleted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Deleted { get; set; }
}

/// <summary>One element of <c>GET /images/{name}/history</c>, newest first.</summary>
public sealed class HistoryItem
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Created")] public long Created { get; set; }
    [JsonPropertyName("CreatedBy")] public string CreatedBy { get; set; } = "";
    [JsonPropertyName("Tags")] public List<string>? Tags { get; set; }
    [JsonPropertyName("Size")] public long Size { get; set; }
    [JsonPropertyName("Comment")] public string Comment { get; set; } = "";
}
