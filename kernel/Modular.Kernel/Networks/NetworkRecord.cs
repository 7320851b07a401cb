namespace Modular.Kernel.Networks;

/// <summary>A network as the kernel persists it.</summary>
public sealed record NetworkRecord(
    string Id,
    string Name,
    string Driver,
    string Scope,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The pools addresses come from, IPv4 ones first then IPv6 ones; empty for drivers that need no addresses.</summary>
    public IReadOnlyList<IpamPool> Ipam { get; init; } = [];

    /// <summary><c>--internal</c>: no traffic to or from outside the network.</summary>
    public bool Internal { get; init; }

    /// <summary>The daemon's default network (the predefined <c>bridge</c>).</summary>
    public bool IsDefault { get; init; }

    public bool Attachable { get; init; }

    /// <summary><c>--ipv6</c>: endpoints also get an address from the network's IPv6 pools.</summary>
    public bool EnableIPv6 { get; init; }
}
