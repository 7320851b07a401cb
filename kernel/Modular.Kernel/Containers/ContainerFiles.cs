namespace Modular.Kernel.Containers;

/// <summary>
/// Where the files dockerd generates for each container (/etc/hostname, /etc/hosts, /etc/resolv.conf) live: in the
/// container's folder, so they survive restarts and show in inspect. Networks/EtcFiles writes them.
/// </summary>
public static class ContainerFiles
{
    public static string HostnamePath(string containerDirectory) => Networks.EtcFiles.ContainerEtcFiles.HostnamePath(containerDirectory);

    public static string HostsPath(string containerDirectory) => Networks.EtcFiles.ContainerEtcFiles.HostsPath(containerDirectory);

    public static string ResolvConfPath(string containerDirectory) => Networks.EtcFiles.ContainerEtcFiles.ResolvConfPath(containerDirectory);
}
