namespace Modular.Conformance.Tests.Network;

/// <summary>
/// The network suites add and remove links, bridges and nftables tables in the host's namespace and some of them
/// check that the host's links are as they were: they run one after another, never beside each other.
/// </summary>
public static class HostNetworkCollection
{
    public const string Name = "host network";
}
