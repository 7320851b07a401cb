using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Networks;

/// <summary>What a <c>--network container:&lt;name|id&gt;</c> container takes from the container whose namespace it joins.</summary>
/// <param name="Folder">The other container's folder: its hostname, hosts and resolv.conf are bind-mounted as they are.</param>
/// <param name="Hostname">The other container's hostname.</param>
/// <param name="NamespacePath">The other container's network namespace, <c>/proc/&lt;init pid&gt;/ns/net</c>.</param>
public sealed record SharedNetworkNamespace(string Folder, string Hostname, string NamespacePath)
{
    public const string Prefix = "container:";

    public static bool IsShared(string networkMode) => networkMode.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Checks a create request in container mode as dockerd does: the other container exists, is not itself, and nothing network-specific is asked for.</summary>
    public static void Validate(ContainerCreateRequest request, HostConfig host, ContainerStore store)
    {
        var reference = host.NetworkMode[Prefix.Length..];
        if (reference.Length == 0)
        {
            throw DriverException.InvalidArgument("invalid network mode: container: needs a container name or id");
        }
        if (store.Find(reference) is null)
        {
            // 400, not 404: the docker CLI takes a 404 from create for a missing image and would try to pull.
            throw DriverException.InvalidArgument($"No such container: {reference}");
        }
        if (request.Hostname.Length > 0)
        {
            throw DriverException.InvalidArgument("conflicting options: hostname and the network mode");
        }
        if (host.Dns is { Count: > 0 } || host.DnsSearch is { Count: > 0 } || host.DnsOptions is { Count: > 0 })
        {
            throw DriverException.InvalidArgument("conflicting options: dns and the network mode");
        }
        if (host.ExtraHosts is { Count: > 0 })
        {
            throw DriverException.InvalidArgument("conflicting options: custom host-to-IP mapping and the network mode");
        }
        if (host.PortBindings is { Count: > 0 } || host.PublishAllPorts)
        {
            throw DriverException.InvalidArgument("conflicting options: port publishing and the container type network mode");
        }
    }

    /// <summary>The namespace to join for <paramref name="container"/>, or null when it is not in container mode; the other container must run.</summary>
    public static SharedNetworkNamespace? Of(Container container, ContainerStore store)
    {
        if (!IsShared(container.HostConfig.NetworkMode))
        {
            return null;
        }
        var reference = container.HostConfig.NetworkMode[Prefix.Length..];
        var other = store.Find(reference) ?? throw DriverException.NotFound($"No such container: {reference}");
        if (other.Id == container.Id)
        {
            throw DriverException.InvalidArgument("cannot join own network namespace");
        }
        if (other.State.Status != ContainerStatus.Running || other.State.Pid == 0)
        {
            throw DriverException.Conflict($"cannot join network namespace of a non running container: container {other.Name} is {other.State.Status.ToApi()}");
        }
        return new SharedNetworkNamespace(store.DirectoryOf(other.Id), other.Config.Hostname, $"/proc/{other.State.Pid}/ns/net");
    }
}
