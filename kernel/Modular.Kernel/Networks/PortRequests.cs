using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>A port the container asks to publish: host side possibly unset (ephemeral) or a range to choose from.</summary>
public sealed record PortRequest(string Protocol, int ContainerPort, string HostIp, int HostPortFirst, int HostPortLast);

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
                var hostIp = binding.HostIp.Length > 0 ? binding.HostIp : "0.0.0.0";
                if (hostIp.Contains(':', StringComparison.Ordinal))
                {
                    throw DriverException.InvalidArgument($"publishing on the IPv6 address {hostIp} is not supported by this version of Modular");
                }
                Ipv4Subnet.ParseAddress(hostIp, "host IP");
                requests.Add(new PortRequest(protocol, containerPort, hostIp, first, last));
            }
        }
        if (host.PublishAllPorts)
        {
            foreach (var key in (config.ExposedPorts ?? []).Keys.Order(StringComparer.Ordinal))
            {
                var (protocol, containerPort) = ParseKey(key);
                if (!requests.Any(r => r.Protocol == protocol && r.ContainerPort == containerPort))
                {
                    requests.Add(new PortRequest(protocol, containerPort, "0.0.0.0", 0, 0));
                }
            }
        }
        return requests;
    }

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
