using System.Net;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Networks.EtcFiles;

/// <summary>
/// Generates a container's /etc/hostname, /etc/hosts and /etc/resolv.conf from its configuration and addresses, and
/// remembers, per container, the upstream nameservers its embedded resolver forwards to.
/// </summary>
public static class ContainerResolution
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<ExternalNameServer>> Upstreams = new(StringComparer.Ordinal);

    /// <summary>Writes the three files into the container's folder; <paramref name="addresses"/> are the container's own.</summary>
    public static void Write(Container container, string folder, bool hostNetwork, IReadOnlyList<IPAddress> addresses, NetworkStore networks)
    {
        var input = InputOf(container, hostNetwork, addresses, networks);
        Upstreams[container.Id] = ContainerEtcFiles.Write(folder, input);
    }

    /// <summary>Rebuilds /etc/hosts and /etc/resolv.conf after the container's networks changed (connect, disconnect).</summary>
    public static void Rewrite(Container container, string folder, IReadOnlyList<IPAddress> addresses, bool embeddedResolver, NetworkStore networks)
    {
        var input = InputOf(container, hostNetwork: false, addresses, networks) with
        {
            Mode = embeddedResolver ? ResolutionMode.EmbeddedResolver : ResolutionMode.Legacy,
        };
        ContainerEtcFiles.WriteHosts(folder, input);
        Upstreams[container.Id] = ContainerEtcFiles.WriteResolvConf(folder, input);
    }

    /// <summary>The nameservers the container's embedded resolver forwards to (empty before its files were written).</summary>
    public static IReadOnlyList<ExternalNameServer> UpstreamsOf(string containerId) =>
        Upstreams.TryGetValue(containerId, out var upstreams) ? upstreams : [];

    public static void Forget(string containerId) => Upstreams.TryRemove(containerId, out _);

    private static EtcFilesInput InputOf(Container container, bool hostNetwork, IReadOnlyList<IPAddress> addresses, NetworkStore networks) => new(
        hostNetwork ? Environment.MachineName : container.Config.Hostname,
        hostNetwork ? "" : container.Config.Domainname,
        ContainerEtcFiles.ModeOf(container.HostConfig.NetworkMode, hostNetwork),
        addresses,
        container.HostConfig,
        HostGatewayAddresses(networks),
        ResolvConf.HostPath());

    /// <summary>What <c>host-gateway</c> means, as in dockerd: the default bridge's gateway (none without the bridge driver).</summary>
    public static IReadOnlyList<IPAddress> HostGatewayAddresses(NetworkStore networks) =>
        networks.All.Where(n => n.IsDefault).SelectMany(n => n.Ipam).Select(p => IPAddress.Parse(p.Gateway)).Take(1).ToList();
}
