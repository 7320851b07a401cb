using System.Text.Json.Serialization;
using Modular.Api.Models;

namespace Modular.Api.Json;

/// <summary>Source-generated JSON for the network create request and answer.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkCreateResponse))]
public sealed partial class NetworkJson : JsonSerializerContext;
