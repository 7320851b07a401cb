using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>A port the container asks to publish: host side possibly unset (ephemeral) or a range to choose from.</summary>
public sealed record PortRequest(string Protocol, int ContainerPort, string HostIp, int HostPortFirst, int HostPortLast)
{
    /// <summary>No host address was given: every IPv4 address, and on an IPv6 network every IPv6 one too (dockerd 28).</summary>
    public bool AnyHostAddress { get; init; }
}

/// <summary>Reads HostConfig.PortBindings and, with <c>-P</c>, the image's EXPOSE list, checking them as dockerd does.</summary>
public static class PortRequests
{
    public static IReadOnlyList<PortRequest> From(ContainerConfig config, HostConfig host)
    {
        var requests = new List<PortRequest>();
        foreach (var (key, bindings) in host.PortBindings ?? [])
        {
            var (protocol, containerPort) = ParseKey(key);
            foreach (var binding in bindings ?? [])
            {
                var (first, last) = ParseHostPort(binding.HostPort);
                var hostIp = binding.HostIp.Length > 0 ? binding.HostIp.TrimStart('[').TrimEnd(']') : "0.0.0.0";
                if (Ipv6Subnet.IsIPv6Text(hostIp))
                {
                    hostIp = Ipv6Subnet.Format(Ipv6Subnet.ParseAddress(hostIp, "host IP"));
                }
                else
                {
                    Ipv4Subnet.ParseAddress(hostIp, "host IP");
                }
                requests.Add(new PortRequest(protocol, containerPort, hostIp, first, last) { AnyHostAddress = binding.HostIp.Length == 0 });
            }
        }
        if (host.PublishAllPorts)
        {
            foreach (var key in (config.ExposedPorts ?? []).Keys.Order(StringComparer.Ordinal))
            {
                var (protocol, containerPort) = ParseKey(key);
                if (!requests.Any(r => r.Protocol == protocol && r.ContainerPort == containerPort))
                {
                    requests.Add(new PortRequest(protocol, containerPort, "0.0.0.0", 0, 0) { AnyHostAddress = true });
                }
            }
        }
        return requests;
    }

    /// <summary>
    /// On a network with IPv6, each request without a host address also publishes on <c>::</c> (dockerd 28 shows both
    /// <c>0.0.0.0:8080</c> and <c>[::]:8080</c>); a fixed host port stays the same for both.
    /// </summary>
    public static IReadOnlyList<PortRequest> WithIPv6Twins(IReadOnlyList<PortRequest> requests, bool ipv6) =>
        ipv6 ? [.. requests, .. requests.Where(r => r.AnyHostAddress).Select(r => r with { HostIp = "::" })] : requests;

    public static (string Protocol, int Port) ParseKey(string key)
    {
        var parts = key.Split('/', 2);
        var protocol = parts.Length == 2 ? parts[1].ToLowerInvariant() : "tcp";
        if (protocol is not ("tcp" or "udp" or "sctp") || !int.TryParse(parts[0], out var port) || port is < 1 or > 65535)
        {
            throw DriverException.InvalidArgument($"invalid port specification: \"{key}\"");
        }
        return (protocol, port);
    }

    private static (int First, int Last) ParseHostPort(string text)
    {
        if (text.Length == 0)
        {
            return (0, 0);
        }
        var parts = text.Split('-', 2);
        if (!int.TryParse(parts[0], out var first) || first is < 0 or > 65535)
        {
            throw DriverException.InvalidArgument($"invalid port specification: \"{text}\"");
        }
        var last = first;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out last) || last < first || last > 65535))
        {
            throw DriverException.InvalidArgument($"invalid port specification: \"{text}\"");
        }
        return (first, last);
    }
}
