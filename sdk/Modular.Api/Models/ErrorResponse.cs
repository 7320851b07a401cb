using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Body of every non-2xx answer: <c>{"message": "..."}</c>.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("message")] public string Message { get; set; } = "";
}
