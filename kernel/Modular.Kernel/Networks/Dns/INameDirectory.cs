using System.Net;
using System.Net.Sockets;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// What the embedded resolver asks of the engine: the addresses a name has for a container (looked up on the
/// user-defined networks that container is on), and the name of an address for reverse lookups.
/// </summary>
public interface INameDirectory
{
    /// <summary>The addresses of <paramref name="name"/> of the given family; null when the engine does not know the name (then it is forwarded).</summary>
    IReadOnlyList<IPAddress>? Lookup(string askingContainerId, string name, AddressFamily family);

    /// <summary>The name (<c>container.network</c>) of an address on one of the asking container's networks, or null.</summary>
    string? ReverseLookup(string askingContainerId, IPAddress address);
}
