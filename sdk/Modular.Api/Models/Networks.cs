using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modular.Api.Models;

/// <summary>Docker's <c>network.Inspect</c>: an element of <c>GET /networks</c> and the answer of <c>GET /networks/{id}</c>.</summary>
public sealed class NetworkSummary
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Created")] public string Created { get; set; } = "";
    [JsonPropertyName("Scope")] public string Scope { get; set; } = "";
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("EnableIPv4")] public bool EnableIPv4 { get; set; }
    [JsonPropertyName("EnableIPv6")] public bool EnableIPv6 { get; set; }
    [JsonPropertyName("IPAM")] public NetworkIpam IPAM { get; set; } = new();
    [JsonPropertyName("Internal")] public bool Internal { get; set; }
    [JsonPropertyName("Attachable")] public bool Attachable { get; set; }
    [JsonPropertyName("Ingress")] public bool Ingress { get; set; }
    [JsonPropertyName("ConfigFrom")] public NetworkConfigReference ConfigFrom { get; set; } = new();
    [JsonPropertyName("ConfigOnly")] public bool ConfigOnly { get; set; }
    [JsonPropertyName("Containers")] public Dictionary<string, NetworkEndpointResource>? Containers { get; set; }
    [JsonPropertyName("Options")] public Dictionary<string, string>? Options { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("Peers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Peers { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class NetworkIpam
{
    [JsonPropertyName("Driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("Options")] public Dictionary<string, string>? Options { get; set; }
    [JsonPropertyName("Config")] public List<IpamConfig>? Config { get; set; }
}

public sealed class IpamConfig
{
    [JsonPropertyName("Subnet"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subnet { get; set; }
    [JsonPropertyName("IPRange"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IPRange { get; set; }
    [JsonPropertyName("Gateway"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Gateway { get; set; }
    [JsonPropertyName("AuxiliaryAddresses"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? AuxiliaryAddresses { get; set; }
}

public sealed class NetworkConfigReference
{
    [JsonPropertyName("Network")] public string Network { get; set; } = "";
}

/// <summary>A container attached to a network, as listed in network inspect.</summary>
public sealed class NetworkEndpointResource
{
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("EndpointID")] public string EndpointID { get; set; } = "";
    [JsonPropertyName("MacAddress")] public string MacAddress { get; set; } = "";
    [JsonPropertyName("IPv4Address")] public string IPv4Address { get; set; } = "";
    [JsonPropertyName("IPv6Address")] public string IPv6Address { get; set; } = "";
}
