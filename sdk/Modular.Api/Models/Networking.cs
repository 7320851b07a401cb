using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>The <c>NetworkingConfig</c> of a create request: endpoint settings per network name.</summary>
public sealed class NetworkingConfig
{
    [JsonPropertyName("EndpointsConfig")] public Dictionary<string, EndpointSettings?>? EndpointsConfig { get; set; }
}

/// <summary>Docker's <c>network.EndpointSettings</c>: requested on create/connect, filled in by the daemon in inspect.</summary>
public sealed class EndpointSettings
{
    [JsonPropertyName("IPAMConfig")] public EndpointIpamConfig? IPAMConfig { get; set; }
    [JsonPropertyName("Links")] public List<string>? Links { get; set; }
    [JsonPropertyName("Aliases")] public List<string>? Aliases { get; set; }
    [JsonPropertyName("MacAddress")] public string MacAddress { get; set; } = "";
    [JsonPropertyName("DriverOpts")] public Dictionary<string, string>? DriverOpts { get; set; }
    [JsonPropertyName("GwPriority")] public int GwPriority { get; set; }
    [JsonPropertyName("NetworkID")] public string NetworkID { get; set; } = "";
    [JsonPropertyName("EndpointID")] public string EndpointID { get; set; } = "";
    [JsonPropertyName("Gateway")] public string Gateway { get; set; } = "";
    [JsonPropertyName("IPAddress")] public string IPAddress { get; set; } = "";
    [JsonPropertyName("IPPrefixLen")] public int IPPrefixLen { get; set; }
    [JsonPropertyName("IPv6Gateway")] public string IPv6Gateway { get; set; } = "";
    [JsonPropertyName("GlobalIPv6Address")] public string GlobalIPv6Address { get; set; } = "";
    [JsonPropertyName("GlobalIPv6PrefixLen")] public int GlobalIPv6PrefixLen { get; set; }
    [JsonPropertyName("DNSNames")] public List<string>? DNSNames { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class EndpointIpamConfig
{
    [JsonPropertyName("IPv4Address"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IPv4Address { get; set; }
    [JsonPropertyName("IPv6Address"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IPv6Address { get; set; }
    [JsonPropertyName("LinkLocalIPs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? LinkLocalIPs { get; set; }
}
