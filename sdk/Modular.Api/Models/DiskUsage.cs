using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Answer of <c>GET /system/df</c> in the shape API versions up to 1.51 use.</summary>
public sealed class DiskUsage
{
    [JsonPropertyName("LayersSize")] public long LayersSize { get; set; }
    [JsonPropertyName("Images")] public List<ImageSummary> Images { get; set; } = [];
    [JsonPropertyName("Containers")] public List<ContainerSummary> Containers { get; set; } = [];
    [JsonPropertyName("Volumes")] public List<JsonElement> Volumes { get; set; } = [];
    [JsonPropertyName("BuildCache")] public List<JsonElement> BuildCache { get; set; } = [];
}
