using System.Text.Json;
using System.Text.Json.Serialization;
using Modular.Api.Json;

namespace Modular.Api.Models;

/// <summary>
/// Docker's <c>container.Config</c>: the portable part of a container's configuration. Also the body of
/// <c>POST /commit</c> and the <c>Config</c> of an image. Field shapes follow Go's encoding: value fields are always
/// written, <c>omitempty</c> fields only when set.
/// </summary>
public class ContainerConfig
{
    [JsonPropertyName("Hostname")] public string Hostname { get; set; } = "";
    [JsonPropertyName("Domainname")] public string Domainname { get; set; } = "";
    [JsonPropertyName("User")] public string User { get; set; } = "";
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }

    [JsonPropertyName("ExposedPorts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }

    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; set; }
    [JsonPropertyName("StdinOnce")] public bool StdinOnce { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }

    [JsonPropertyName("Cmd"), JsonConverter(typeof(StringSliceConverter))]
    public List<string>? Cmd { get; set; }

    [JsonPropertyName("Healthcheck"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthConfig? Healthcheck { get; set; }

    [JsonPropertyName("ArgsEscaped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ArgsEscaped { get; set; }

    [JsonPropertyName("Image")] public string Image { get; set; } = "";
    [JsonPropertyName("Volumes")] public Dictionary<string, EmptyObject>? Volumes { get; set; }
    [JsonPropertyName("WorkingDir")] public string WorkingDir { get; set; } = "";

    [JsonPropertyName("Entrypoint"), JsonConverter(typeof(StringSliceConverter))]
    public List<string>? Entrypoint { get; set; }

    [JsonPropertyName("NetworkDisabled"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NetworkDisabled { get; set; }

    [JsonPropertyName("MacAddress"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MacAddress { get; set; }

    [JsonPropertyName("OnBuild")] public List<string>? OnBuild { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("StopSignal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopSignal { get; set; }

    [JsonPropertyName("StopTimeout"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StopTimeout { get; set; }

    [JsonPropertyName("Shell"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(StringSliceConverter))]
    public List<string>? Shell { get; set; }

    /// <summary>Fields this version does not model, kept so a document round-trips unchanged.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>Docker's <c>HealthConfig</c>. Durations are nanoseconds.</summary>
public sealed class HealthConfig
{
    [JsonPropertyName("Test"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Test { get; set; }
    [JsonPropertyName("Interval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Interval { get; set; }
    [JsonPropertyName("Timeout"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Timeout { get; set; }
    [JsonPropertyName("StartPeriod"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long StartPeriod { get; set; }
    [JsonPropertyName("StartInterval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long StartInterval { get; set; }
    [JsonPropertyName("Retries"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Retries { get; set; }
}
