using System.Text.Json.Serialization;
using Modular.Api.Models;

namespace Modular.Api.Json;

/// <summary>Source-generated JSON for network connect, disconnect and prune.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NetworkConnectRequest))]
[JsonSerializable(typeof(NetworkDisconnectRequest))]
[JsonSerializable(typeof(NetworkPruneResponse))]
public sealed partial class NetworkConnectJson : JsonSerializerContext;
