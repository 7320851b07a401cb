namespace Modular.Kernel.Containers;

/// <summary>
/// The files dockerd generates for each container and bind-mounts over the image's: /etc/hostname, /etc/hosts and
/// /etc/resolv.conf. They live in the container's folder so they survive restarts and show in inspect.
/// </summary>
public static class ContainerFiles
{
    public static string HostnamePath(string containerDirectory) => Path.Combine(containerDirectory, "hostname");

    public static string HostsPath(string containerDirectory) => Path.Combine(containerDirectory, "hosts");

    public static string ResolvConfPath(string containerDirectory) => Path.Combine(containerDirectory, "resolv.conf");

    public static void Write(string containerDirectory, string hostname, bool hostNetwork)
    {
        Directory.CreateDirectory(containerDirectory);
        File.WriteAllText(HostnamePath(containerDirectory), (hostNetwork ? Environment.MachineName : hostname) + "\n");
        var hosts = hostNetwork && File.Exists("/etc/hosts")
            ? File.ReadAllText("/etc/hosts")
            : "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
        File.WriteAllText(HostsPath(containerDirectory), hosts);
        File.WriteAllText(ResolvConfPath(containerDirectory), ResolvConf(hostNetwork));
    }

    // Without a network of its own a container cannot reach a loopback resolver such as 127.0.0.53, so those
    // entries are dropped (as dockerd does) unless the container shares the host's network.
    private static string ResolvConf(bool hostNetwork)
    {
        var host = File.Exists("/etc/resolv.conf") ? File.ReadAllLines("/etc/resolv.conf") : [];
        var lines = host.Where(l => hostNetwork || !IsLoopbackNameserver(l)).ToList();
        return string.Join("\n", lines) + "\n";
    }

    private static bool IsLoopbackNameserver(string line)
    {
        var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts is ["nameserver", var address, ..] && (address.StartsWith("127.", StringComparison.Ordinal) || address == "::1");
    }
}
