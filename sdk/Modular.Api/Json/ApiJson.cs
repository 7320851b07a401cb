using System.Text.Json;
using System.Text.Json.Serialization;
using Modular.Api.Models;

namespace Modular.Api.Json;

/// <summary>
/// The one source-generated serializer context for every Engine API wire type (AOT-safe, no reflection).
/// Property names are explicit on each type, so no naming policy applies. Use <c>ApiJson.Default.&lt;Type&gt;</c>.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Default,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(SystemInfo))]
[JsonSerializable(typeof(ContainerConfig))]
[JsonSerializable(typeof(HostConfig))]
[JsonSerializable(typeof(Resources))]
[JsonSerializable(typeof(NetworkingConfig))]
[JsonSerializable(typeof(EndpointSettings))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(ContainerTopResponse))]
[JsonSerializable(typeof(ContainerSummary))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(ImageSummary))]
[JsonSerializable(typeof(List<ImageSummary>))]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(ImageDeleteResponseItem))]
[JsonSerializable(typeof(List<ImageDeleteResponseItem>))]
[JsonSerializable(typeof(HistoryItem))]
[JsonSerializable(typeof(List<HistoryItem>))]
[JsonSerializable(typeof(ImagesPruneResponse))]
[JsonSerializable(typeof(NetworkSummary))]
[JsonSerializable(typeof(List<NetworkSummary>))]
[JsonSerializable(typeof(ProgressMessage))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(DiskUsage))]
[JsonSerializable(typeof(Volume))]
[JsonSerializable(typeof(VolumeCreateRequest))]
[JsonSerializable(typeof(VolumeListResponse))]
[JsonSerializable(typeof(VolumePruneResponse))]
[JsonSerializable(typeof(ContainerUpdateRequest))]
[JsonSerializable(typeof(ContainerUpdateResponse))]
[JsonSerializable(typeof(ExecConfig))]
[JsonSerializable(typeof(ExecStartConfig))]
[JsonSerializable(typeof(IdResponse))]
[JsonSerializable(typeof(ExecInspect))]
[JsonSerializable(typeof(List<ContainerChange>))]
[JsonSerializable(typeof(ContainerStats))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, bool>>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class ApiJson : JsonSerializerContext;
