namespace Modular.Sdk.Network;

/// <summary>Which network namespace a container joined to this driver's networks uses.</summary>
public enum SandboxKind
{
    /// <summary>The container shares the host's network namespace (the <c>host</c> driver).</summary>
    Host,
    /// <summary>The container gets a namespace of its own that the driver plumbs into.</summary>
    Private,
}

/// <summary>What a network driver declares about itself.</summary>
/// <param name="Sandbox">Whether containers get a private network namespace.</param>
/// <param name="Scope"><c>local</c> or <c>global</c>, as shown by <c>docker network ls</c>.</param>
/// <param name="UserDefinable">Whether users may create networks with this driver (<c>none</c> and <c>host</c> may not).</param>
public sealed record NetworkCapabilities(SandboxKind Sandbox, string Scope = "local", bool UserDefinable = true);

/// <summary>A network as the kernel asks the driver to create it.</summary>
/// <param name="Id">The network's 64-hex id.</param>
/// <param name="Name">The network's user-facing name.</param>
/// <param name="Options">Driver options (<c>-o key=value</c>).</param>
public sealed record NetworkSpec(string Id, string Name, IReadOnlyDictionary<string, string> Options);

/// <summary>What the kernel asks of an endpoint.</summary>
/// <param name="ContainerId">The container the endpoint belongs to.</param>
/// <param name="Options">Endpoint driver options.</param>
public sealed record EndpointSpec(string ContainerId, IReadOnlyDictionary<string, string> Options);

/// <summary>What the driver allocated for an endpoint; empty for drivers that configure nothing.</summary>
/// <param name="IPv4Address">The address in CIDR form, or empty.</param>
/// <param name="Gateway">The IPv4 gateway, or empty.</param>
/// <param name="MacAddress">The interface's MAC address, or empty.</param>
public sealed record EndpointInfo(string IPv4Address = "", string Gateway = "", string MacAddress = "");
