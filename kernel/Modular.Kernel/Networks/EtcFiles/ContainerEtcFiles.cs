using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Networks.EtcFiles;

/// <summary>How names resolve in a container, which decides how its resolv.conf and hosts are made.</summary>
public enum ResolutionMode
{
    /// <summary><c>--network host</c>: the host's files, with the user's overrides.</summary>
    HostNamespace,
    /// <summary>The default bridge and <c>none</c>: the host's nameservers minus loopback ones, no embedded resolver.</summary>
    Legacy,
    /// <summary>User-defined networks: the embedded resolver on 127.0.0.11, forwarding to the host's nameservers.</summary>
    EmbeddedResolver,
}

/// <summary>What a container's /etc/hostname, /etc/hosts and /etc/resolv.conf are generated from.</summary>
public sealed record EtcFilesInput(
    string Hostname,
    string Domainname,
    ResolutionMode Mode,
    IReadOnlyList<IPAddress> OwnAddresses,
    HostConfig HostConfig,
    IReadOnlyList<IPAddress> HostGateway,
    string HostResolvConfPath);

/// <summary>
/// Writes the files dockerd generates for each container into the container's folder, where they are bind-mounted
/// over the image's. Files are rewritten in place (never renamed over) so a running container sees later changes
/// (connect, disconnect) through its bind mount.
/// </summary>
public static class ContainerEtcFiles
{
    public static readonly IPAddress EmbeddedResolverAddress = IPAddress.Parse("127.0.0.11");

    private static readonly string[] EmbeddedResolverOptions = ["ndots:0"];

    public static string HostnamePath(string folder) => Path.Combine(folder, "hostname");

    public static string HostsPath(string folder) => Path.Combine(folder, "hosts");

    public static string ResolvConfPath(string folder) => Path.Combine(folder, "resolv.conf");

    private static string ResolvConfHashPath(string folder) => Path.Combine(folder, "resolv.conf.hash");

    /// <summary>Docker's rule: only networks users created get the embedded resolver.</summary>
    public static ResolutionMode ModeOf(string networkMode, bool hostNetwork) =>
        hostNetwork ? ResolutionMode.HostNamespace
        : networkMode is "" or "default" or "bridge" or "none" || networkMode.StartsWith("container:", StringComparison.Ordinal) ? ResolutionMode.Legacy
        : ResolutionMode.EmbeddedResolver;

    /// <summary>Refuses --dns and --add-host values dockerd would refuse, at create time.</summary>
    public static void Validate(HostConfig host)
    {
        ExtraHosts.Validate(host.ExtraHosts);
        foreach (var server in host.Dns ?? [])
        {
            if (!IPAddress.TryParse(server, out _) || server.Contains('/'))
            {
                throw DriverException.InvalidArgument($"IP address is not correctly formatted: {server}");
            }
        }
    }

    /// <summary>Writes all three files; returns the nameservers the embedded resolver forwards to (empty unless it serves the container).</summary>
    public static IReadOnlyList<ExternalNameServer> Write(string folder, EtcFilesInput input)
    {
        Directory.CreateDirectory(folder);
        var hostname = input.Domainname.Length > 0 ? $"{input.Hostname}.{input.Domainname}" : input.Hostname;
        WriteInPlace(HostnamePath(folder), hostname + "\n");
        WriteHosts(folder, input);
        return WriteResolvConf(folder, input);
    }

    /// <summary>Rebuilds /etc/hosts, e.g. after the container's addresses changed.</summary>
    public static void WriteHosts(string folder, EtcFilesInput input)
    {
        var extraHosts = ExtraHosts.Resolve(input.HostConfig.ExtraHosts, input.HostGateway);
        // With the host's network and nothing to add, the container sees the host's own hosts file.
        var content = input.Mode == ResolutionMode.HostNamespace && extraHosts.Count == 0
            ? (File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : "")
            : HostsFile.Build(extraHosts, HostsFile.OwnRecords(input.OwnAddresses, input.Hostname, input.Domainname), Socket.OSSupportsIPv6);
        WriteInPlace(HostsPath(folder), content);
    }

    /// <summary>
    /// Rebuilds resolv.conf unless the user edited it since it was last generated (then it is left alone, as dockerd
    /// does); the upstreams are then taken from what the file generated earlier would have used.
    /// </summary>
    public static IReadOnlyList<ExternalNameServer> WriteResolvConf(string folder, EtcFilesInput input)
    {
        var resolvConf = ResolvConf.Load(input.HostResolvConfPath);
        resolvConf.Override(
            input.HostConfig.Dns is { Count: > 0 } dns ? dns.Select(IPAddress.Parse).ToList() : null,
            input.HostConfig.DnsSearch,
            input.HostConfig.DnsOptions);
        IReadOnlyList<ExternalNameServer> external = [];
        switch (input.Mode)
        {
            case ResolutionMode.Legacy:
                resolvConf.TransformForLegacyNetwork(Socket.OSSupportsIPv6 && input.OwnAddresses.Any(a => a.AddressFamily == AddressFamily.InterNetworkV6));
                break;
            case ResolutionMode.EmbeddedResolver:
                external = resolvConf.TransformForInternalResolver(EmbeddedResolverAddress, EmbeddedResolverOptions);
                break;
        }
        var path = ResolvConfPath(folder);
        if (UserModified(folder))
        {
            return external;
        }
        var content = resolvConf.Generate();
        WriteInPlace(path, content);
        WriteInPlace(ResolvConfHashPath(folder), Hash(content));
        return external;
    }

    private static bool UserModified(string folder)
    {
        var path = ResolvConfPath(folder);
        var hashPath = ResolvConfHashPath(folder);
        return File.Exists(path) && File.Exists(hashPath) && File.ReadAllText(hashPath) != Hash(File.ReadAllText(path));
    }

    private static string Hash(string content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    // Truncate and write the same inode: a rename would leave a running container's bind mount on the old file. A file
    // that already holds the content is left alone, so a running container never reads one that is being rewritten
    // for nothing (its files are written again when it joins its networks, as it may already run by then).
    private static void WriteInPlace(string path, string content)
    {
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var bytes = Encoding.UTF8.GetBytes(content);
        if (stream.Length == bytes.Length && HoldsExactly(stream, bytes))
        {
            return;
        }
        stream.Position = 0;
        stream.SetLength(0);
        stream.Write(bytes);
    }

    private static bool HoldsExactly(FileStream stream, byte[] expected)
    {
        var current = new byte[expected.Length];
        stream.ReadExactly(current);
        return current.AsSpan().SequenceEqual(expected);
    }
}
