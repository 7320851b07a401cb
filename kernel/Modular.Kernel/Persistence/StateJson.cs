using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Kernel.Persistence;

/// <summary>Serializer settings for the kernel's own state files (not the wire format, which lives in Modular.Api).</summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };
}
