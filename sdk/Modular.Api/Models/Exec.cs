using System.Text.Json.Serialization;
using Modular.Api.Json;

namespace Modular.Api.Models;

/// <summary>Body of <c>POST /containers/{id}/exec</c>.</summary>
public sealed class ExecConfig
{
    [JsonPropertyName("User")] public string User { get; set; } = "";
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("ConsoleSize"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong[]? ConsoleSize { get; set; }
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("Detach")] public bool Detach { get; set; }
    [JsonPropertyName("DetachKeys")] public string DetachKeys { get; set; } = "";
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("WorkingDir")] public string WorkingDir { get; set; } = "";
    [JsonPropertyName("Cmd"), JsonConverter(typeof(StringSliceConverter))] public List<string>? Cmd { get; set; }
}

/// <summary>Body of <c>POST /exec/{id}/start</c>.</summary>
public sealed class ExecStartConfig
{
    [JsonPropertyName("Detach")] public bool Detach { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("ConsoleSize"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong[]? ConsoleSize { get; set; }
}

/// <summary>201 answer of exec create: <c>{"Id": "..."}</c>.</summary>
public sealed class IdResponse
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
}

/// <summary>Answer of <c>GET /exec/{id}/json</c>.</summary>
public sealed class ExecInspect
{
    [JsonPropertyName("CanRemove")] public bool CanRemove { get; set; }
    [JsonPropertyName("ContainerID")] public string ContainerID { get; set; } = "";
    [JsonPropertyName("DetachKeys")] public string DetachKeys { get; set; } = "";
    [JsonPropertyName("ExitCode")] public int? ExitCode { get; set; }
    [JsonPropertyName("ID")] public string ID { get; set; } = "";
    [JsonPropertyName("OpenStderr")] public bool OpenStderr { get; set; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; set; }
    [JsonPropertyName("OpenStdout")] public bool OpenStdout { get; set; }
    [JsonPropertyName("ProcessConfig")] public ExecProcessConfig ProcessConfig { get; set; } = new();
    [JsonPropertyName("Running")] public bool Running { get; set; }
    [JsonPropertyName("Pid")] public int Pid { get; set; }
}

public sealed class ExecProcessConfig
{
    [JsonPropertyName("arguments")] public List<string> Arguments { get; set; } = [];
    [JsonPropertyName("entrypoint")] public string Entrypoint { get; set; } = "";
    [JsonPropertyName("privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("tty")] public bool Tty { get; set; }
    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? User { get; set; }
}

/// <summary>One element of <c>GET /containers/{id}/changes</c>: Kind 0 modified, 1 added, 2 deleted.</summary>
public sealed class ContainerChange
{
    [JsonPropertyName("Path")] public string Path { get; set; } = "";
    [JsonPropertyName("Kind")] public int Kind { get; set; }
}
