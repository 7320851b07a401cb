using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>The body of <c>POST /networks/{id}/connect</c>.</summary>
public sealed class NetworkConnectRequest
{
    [JsonPropertyName("Container")] public string Container { get; set; } = "";
    [JsonPropertyName("EndpointConfig"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public EndpointSettings? EndpointConfig { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The body of <c>POST /networks/{id}/disconnect</c>.</summary>
public sealed class NetworkDisconnectRequest
{
    [JsonPropertyName("Container")] public string Container { get; set; } = "";
    [JsonPropertyName("Force")] public bool Force { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The answer of <c>POST /networks/prune</c>: the names of the removed networks.</summary>
public sealed class NetworkPruneResponse
{
    [JsonPropertyName("NetworksDeleted")] public List<string>? NetworksDeleted { get; set; }
}
