using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Modular.Api.Models;
using Modular.Kernel.Configuration;
using Modular.Kernel.Containers.Mounts;
using Modular.Kernel.Events;
using Modular.Kernel.Images;
using Modular.Kernel.Networks;
using Modular.Kernel.Plugins;
using Modular.Kernel.Runtime;
using Modular.Kernel.Volumes;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Kernel.Containers;

/// <summary>
/// Creates, removes and looks up containers. Running them is <see cref="ContainerRunner"/>'s job; every status
/// change goes through <see cref="Transition"/>, which asks <see cref="ContainerLifecycle"/>, persists, and publishes.
/// </summary>
public sealed class ContainerService
{
    private readonly ConcurrentDictionary<string, ContainerHandle> _handles = new(StringComparer.Ordinal);
    private readonly ILogger<ContainerService> _logger;

    public ContainerService(
        ContainerStore store,
        ImageService images,
        DriverCatalog drivers,
        NetworkStore networks,
        ContainerNetworking networking,
        RuntimeCatalog runtimes,
        DaemonConfig config,
        EventBus events,
        ContainerMountSetup mounts,
        ILogger<ContainerService> logger)
    {
        Mounts = mounts;
        Store = store;
        Images = images;
        Drivers = drivers;
        Networks = networks;
        Networking = networking;
        Runtimes = runtimes;
        Config = config;
        Events = events;
        _logger = logger;
    }

    public ContainerStore Store { get; }
    public ImageService Images { get; }
    public DriverCatalog Drivers { get; }
    public NetworkStore Networks { get; }
    public ContainerNetworking Networking { get; }
    public RuntimeCatalog Runtimes { get; }
    public DaemonConfig Config { get; }
    public EventBus Events { get; }
    public ContainerMountSetup Mounts { get; }
    public VolumeStore Volumes => Mounts.Volumes;

    public string StorageDriverName => Config.StorageDriver ?? "";

    /// <summary>Raised after a container is removed, for the parts of the kernel that keep per-container state.</summary>
    public event Action<Container>? Removed;

    public void Rename(string reference, string newName)
    {
        var container = Store.Get(reference);
        if (newName.Length == 0)
        {
            throw DriverException.InvalidArgument("Neither old nor new names may be empty");
        }
        var name = ContainerNames.Validate(newName);
        var oldName = container.Name;
        if (name == oldName)
        {
            throw DriverException.InvalidArgument("Renaming a container with the same name as its current name");
        }
        Store.Rename(container, name);
        Publish(container, "rename", new Dictionary<string, string> { ["oldName"] = "/" + oldName });
    }

    public ContainerHandle HandleOf(Container container) => _handles.GetOrAdd(container.Id, _ => new ContainerHandle());

    public ContainerCreateResponse Create(string? name, ContainerCreateRequest request)
    {
        if (string.IsNullOrEmpty(request.Image))
        {
            throw DriverException.InvalidArgument("no command specified");
        }
        UnsupportedOptions.Reject(request);
        var host = request.HostConfig ?? new HostConfig();
        ResourceLimits.Validate(host);
        RestartPolicies.Validate(host.RestartPolicy, host.AutoRemove);
        var image = Images.Inspect(request.Image);

        var id = ContainerNames.NewId();
        var containerName = name is { Length: > 0 } ? ContainerNames.Validate(name) : ContainerNames.Generate(Store.NameTaken);
        if (Store.NameTaken(containerName))
        {
            var owner = Store.Get(containerName);
            throw DriverException.Conflict(
                $"Conflict. The container name \"/{containerName}\" is already in use by container \"{owner.Id}\". You have to remove (or rename) that container to be able to reuse that name.");
        }

        var hostname = request.Hostname.Length > 0 ? request.Hostname : id[..12];
        var config = ContainerFactory.MergeWithImage(request, image.Config, request.Image, hostname);
        var commandLine = ContainerFactory.CommandLine(config);
        if (commandLine.Count == 0)
        {
            throw DriverException.InvalidArgument("no command specified");
        }

        var mountPoints = MountPlanner.Plan(host, config, Store);
        host.NetworkMode = ResolveNetworkMode(host.NetworkMode);
        var runtime = host.Runtime is { Length: > 0 } ? host.Runtime : Runtimes.DefaultName;
        Runtimes.Get(runtime);
        host.Runtime = runtime;

        var logDriverName = host.LogConfig.Type is { Length: > 0 } t ? t : Config.LogDriver;
        var logOptions = host.LogConfig.Type is { Length: > 0 }
            ? host.LogConfig.Config ?? new Dictionary<string, string>()
            : new Dictionary<string, string>(Config.LogOpts);
        Drivers.Logging(logDriverName).ValidateOptions(logOptions);
        host.LogConfig = new LogConfig { Type = logDriverName, Config = logOptions };

        if (SharedNetworkNamespace.IsShared(host.NetworkMode))
        {
            SharedNetworkNamespace.Validate(request, host, Store);
        }
        else
        {
            Networking.Register(id, config, host, request.NetworkingConfig);
        }
        var storage = Drivers.Storage(StorageDriverName);
        try
        {
            MountPlanner.CreateVolumes(id, mountPoints, Volumes);
            storage.CreateReadWrite(id, image.TopLayerCacheId, host.StorageOpt ?? new Dictionary<string, string>());
        }
        catch
        {
            MountPlanner.Abandon(id, mountPoints, Volumes);
            throw;
        }
        var container = new Container
        {
            Id = id,
            Name = containerName,
            Created = DateTimeOffset.UtcNow,
            ImageId = image.Id,
            Config = config,
            HostConfig = host,
            Path = commandLine[0],
            Args = commandLine.Skip(1).ToList(),
            StorageDriver = storage.Name,
            ParentLayerId = image.TopLayerCacheId,
            LogDriver = logDriverName,
            LogOptions = logOptions,
            Runtime = runtime,
            MountPoints = mountPoints,
        };
        try
        {
            Store.Add(container, name is { Length: > 0 } ? null : ContainerNames.Generate);
        }
        catch
        {
            MountPlanner.Abandon(id, mountPoints, Volumes);
            storage.Remove(id);
            Networking.Forget(id);
            throw;
        }
        Volumes.ReleaseClaims(id);
        Publish(container, "create");
        return new ContainerCreateResponse { Id = id, Warnings = [] };
    }

    /// <summary>
    /// Removes a container: a running one only with <paramref name="force"/> (it is killed first), as in Docker.
    /// </summary>
    public async Task RemoveAsync(string reference, bool force, ContainerRunner runner, CancellationToken cancellationToken, bool removeVolumes = false)
    {
        var container = Store.Get(reference);
        var handle = HandleOf(container);
        await runner.CancelPendingRestartAsync(container, cancellationToken);
        if (ContainerLifecycle.IsActive(container.State.Status))
        {
            if (!force)
            {
                var what = container.State.Status == ContainerStatus.Paused ? "paused" : "running";
                throw DriverException.Conflict(
                    $"cannot remove container \"/{container.Name}\": container is {what}: stop the container before removing or force remove");
            }
            // A container being removed must not come back through its restart policy once killed.
            container.ManuallyStopped = true;
            await runner.KillAndWaitAsync(container, cancellationToken);
            await runner.CancelPendingRestartAsync(container, cancellationToken);
        }

        await handle.Lock.WaitAsync(cancellationToken);
        try
        {
            if (!Store.All.Contains(container))
            {
                return;
            }
            if (container.State.Status == ContainerStatus.Removing)
            {
                throw DriverException.Conflict($"removal of container {container.Name} is already in progress");
            }
            await BlockingWork.RunAsync(() => DeleteRecords(container));
        }
        finally
        {
            handle.Lock.Release();
        }
        Publish(container, "destroy");
        if (removeVolumes || container.HostConfig.AutoRemove)
        {
            AnonymousVolumes.RemoveFor(container, Volumes, _logger);
        }
        _handles.TryRemove(container.Id, out _);
        handle.MarkRemoved();
        Removed?.Invoke(container);
        ReleaseUnusedImageLayers();
    }

    // The state, layer and folder of a container being removed; on failure it is left dead, as in Docker.
    private void DeleteRecords(Container container)
    {
        Transition(container, ContainerTransition.Remove, publish: false);
        try
        {
            var storage = Drivers.Storage(container.StorageDriver);
            if (storage.Exists(container.LayerId))
            {
                storage.Remove(container.LayerId);
            }
            Store.Delete(container);
            Networking.Forget(container.Id);
        }
        catch (Exception e)
        {
            container.State.Error = e.Message;
            Transition(container, ContainerTransition.RemovalFailed);
            throw new DriverException(DriverErrorKind.Internal, $"unable to remove container {container.Name}: {e.Message}", e);
        }
    }

    // Layers of an image deleted with --force while a container used it are kept for that container; once the
    // last such container is gone they can go too.
    private void ReleaseUnusedImageLayers()
    {
        try
        {
            var inUse = Store.All.Select(c => c.ParentLayerId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            Images.RemoveUnusedLayers(inUse);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Releasing unused image layers failed");
        }
    }

    /// <summary>Applies a lifecycle transition, persists the container atomically and publishes the event.</summary>
    public void Transition(Container container, ContainerTransition via, bool publish = true, IReadOnlyDictionary<string, string>? attributes = null)
    {
        container.State.Status = ContainerLifecycle.Next(container.State.Status, via);
        Store.Save(container);
        if (publish)
        {
            Publish(container, ContainerLifecycle.EventAction(via), attributes);
        }
    }

    public void Publish(Container container, string action, IReadOnlyDictionary<string, string>? extra = null)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = container.Name,
            ["image"] = container.Config.Image,
        };
        foreach (var (key, value) in container.Config.Labels ?? [])
        {
            attributes[key] = value;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            attributes[key] = value;
        }
        Events.Publish(new EngineEvent("container", action, container.Id, attributes, DateTimeOffset.UtcNow));
    }

    /// <summary>Whether the network mode names the host's namespace.</summary>
    public bool UsesHostNetwork(Container container)
    {
        if (SharedNetworkNamespace.IsShared(container.HostConfig.NetworkMode))
        {
            return false;
        }
        var network = Networks.Get(container.HostConfig.NetworkMode);
        return Networks.DriverOf(network).Capabilities.Sandbox == SandboxKind.Host;
    }

    // "default" is the bridge network, or loopback only (none) where the bridge driver is not installed.
    private string ResolveNetworkMode(string mode)
    {
        var wanted = mode is "" or "default" ? (Networks.Find(NetworkStore.DefaultNetworkName) is null ? "none" : NetworkStore.DefaultNetworkName) : mode;
        if (SharedNetworkNamespace.IsShared(wanted))
        {
            return wanted;
        }
        return Networks.Get(wanted).Name;
    }
}
