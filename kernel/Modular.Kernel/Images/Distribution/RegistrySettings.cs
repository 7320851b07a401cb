using System.Net;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// The daemon's registry settings (daemon.json): insecure registries (hosts and CIDRs; loopback is always insecure,
/// as in dockerd), mirrors, and the transfer limits. A mirror written as a URL serves Docker Hub, as in dockerd; written
/// as <c>host=URL</c> it serves that registry, so mirrors work for any registry.
/// </summary>
internal sealed class RegistrySettings
{
    public const string DockerHubHost = "registry-1.docker.io";

    private readonly IReadOnlyList<string> _insecureHosts;
    private readonly IReadOnlyList<(IPAddress Network, int Bits)> _insecureNetworks;
    private readonly IReadOnlyList<(string Registry, Uri Mirror)> _mirrors;

    public RegistrySettings(IReadOnlyList<string> insecureRegistries, IReadOnlyList<string> mirrors,
        int maxConcurrentDownloads = 3, int maxConcurrentUploads = 5, int maxDownloadAttempts = 5)
    {
        var hosts = new List<string>();
        var networks = new List<(IPAddress, int)> { (IPAddress.Parse("127.0.0.0"), 8) };
        foreach (var entry in insecureRegistries)
        {
            var value = StripScheme(entry);
            var slash = value.IndexOf('/');
            if (slash > 0 && IPAddress.TryParse(value[..slash], out var network) && int.TryParse(value[(slash + 1)..], out var bits))
            {
                networks.Add((network, bits));
            }
            else
            {
                hosts.Add(value.TrimEnd('/'));
            }
        }
        _insecureHosts = hosts;
        _insecureNetworks = networks;
        _mirrors = mirrors.Select(ParseMirror).ToArray();
        MaxConcurrentDownloads = maxConcurrentDownloads;
        MaxConcurrentUploads = maxConcurrentUploads;
        MaxDownloadAttempts = maxDownloadAttempts;
    }

    public int MaxConcurrentDownloads { get; }
    public int MaxConcurrentUploads { get; }
    public int MaxDownloadAttempts { get; }

    /// <summary>Attempts at each upload of a push (dockerd's max-upload-attempts, default 5).</summary>
    public int MaxUploadAttempts { get; init; } = 5;

    /// <summary>The first delay between attempts; it doubles each time (dockerd: 5 s, 10 s, 15 s ...; ours starts lower).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Turns a mirror entry into (registry, url); throws FormatException for a malformed one (daemon.json validation).</summary>
    public static (string Registry, Uri Mirror) ParseMirror(string entry)
    {
        var equals = entry.IndexOf('=');
        var registry = equals > 0 ? entry[..equals].Trim() : ImageReference.DefaultDomain;
        var url = equals > 0 ? entry[(equals + 1)..].Trim() : entry.Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0) || uri.Query.Length > 0)
        {
            throw new FormatException($"invalid mirror: \"{entry}\" is not an http(s) URL without path (or registry=URL)");
        }
        return (registry == "index.docker.io" ? ImageReference.DefaultDomain : registry, uri);
    }

    public bool IsInsecure(string host)
    {
        if (_insecureHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }
        var name = HostWithoutPort(host);
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(name.Trim('[', ']'), out var address) &&
            (IPAddress.IsLoopback(address) || _insecureNetworks.Any(network => InNetwork(address, network.Network, network.Bits)));
    }

    /// <summary>
    /// Where to reach <paramref name="domain"/> (a reference's registry), in order: its mirrors (pulls only), then the
    /// registry over https, then, for an insecure registry, over plain http.
    /// </summary>
    public IReadOnlyList<RegistryEndpoint> EndpointsFor(string domain, bool forPush)
    {
        var endpoints = new List<RegistryEndpoint>();
        if (!forPush)
        {
            foreach (var (registry, mirror) in _mirrors.Where(m => m.Registry.Equals(domain, StringComparison.OrdinalIgnoreCase)))
            {
                endpoints.Add(new RegistryEndpoint(mirror, IsMirror: true, SkipTlsVerify: IsInsecure(mirror.Authority)));
            }
        }
        var host = domain == ImageReference.DefaultDomain ? DockerHubHost : domain;
        var insecure = IsInsecure(host);
        endpoints.Add(new RegistryEndpoint(new Uri($"https://{host}/"), IsMirror: false, SkipTlsVerify: insecure));
        if (insecure)
        {
            endpoints.Add(new RegistryEndpoint(new Uri($"http://{host}/"), IsMirror: false, SkipTlsVerify: false));
        }
        return endpoints;
    }

    private static string StripScheme(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? value[7..]
        : value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? value[8..]
        : value;

    private static string HostWithoutPort(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            return end > 0 ? host[..(end + 1)] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int bits)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4().GetAddressBytes() : address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xff : (byte)(0xff << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>One way to reach a registry: its base URL, whether it is a mirror, and whether TLS is left unverified.</summary>
internal sealed record RegistryEndpoint(Uri BaseUri, bool IsMirror, bool SkipTlsVerify)
{
    public override string ToString() => BaseUri.GetLeftPart(UriPartial.Authority);
}
