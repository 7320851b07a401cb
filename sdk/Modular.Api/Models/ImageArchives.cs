using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Answer of <c>POST /images/prune</c>.</summary>
public sealed class ImagesPruneResponse
{
    [JsonPropertyName("ImagesDeleted")] public List<ImageDeleteResponseItem>? ImagesDeleted { get; set; }
    [JsonPropertyName("SpaceReclaimed")] public long SpaceReclaimed { get; set; }
}
