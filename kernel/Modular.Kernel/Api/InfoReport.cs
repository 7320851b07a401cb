using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Events;
using Modular.Kernel.Host;
using Modular.Kernel.Plugins;

namespace Modular.Kernel.Api;

/// <summary>Assembles `docker info` from the kernel's stores, its drivers and the host.</summary>
public sealed class InfoReport(ContainerService containers, DriverCatalog drivers, EventBus events, EngineIdentity identity)
{
    public SystemInfo Build()
    {
        var all = containers.Store.All.ToList();
        var config = containers.Config;
        var storage = drivers.Storage(containers.StorageDriverName);
        var warnings = drivers.Warnings.ToList();
        warnings.AddRange(config.InertKeys.Select(k => $"daemon.json key \"{k}\" is accepted but has no effect in this version"));
        warnings.Add("WARNING: containers run without a seccomp profile in this version");

        return new SystemInfo
        {
            ID = identity.Id,
            Containers = all.Count,
            ContainersRunning = all.Count(c => c.State.Status is ContainerStatus.Running or ContainerStatus.Restarting),
            ContainersPaused = all.Count(c => c.State.Status == ContainerStatus.Paused),
            ContainersStopped = all.Count(c => !ContainerLifecycle.IsActive(c.State.Status)),
            Images = containers.Images.Count,
            Driver = storage.Name,
            DriverStatus = storage.Status.Select(s => new List<string> { s.Key, s.Value }).ToList(),
            Plugins = new PluginsInfo
            {
                Volume = [],
                Network = drivers.Names(DriverKind.Network).ToList(),
                Authorization = null,
                Log = drivers.Names(DriverKind.Logging).ToList(),
            },
            MemoryLimit = false,
            SwapLimit = false,
            CpuCfsPeriod = false,
            CpuCfsQuota = false,
            CPUShares = false,
            CPUSet = false,
            PidsLimit = false,
            OomKillDisable = false,
            Debug = config.Debug,
            NFd = HostFacts.OpenFileDescriptors(),
            NGoroutines = Environment.ProcessorCount,
            SystemTime = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz"),
            LoggingDriver = config.LogDriver,
            CgroupDriver = "cgroupfs",
            CgroupVersion = HostFacts.CgroupVersion,
            NEventsListener = events.ListenerCount,
            KernelVersion = HostFacts.KernelVersion,
            OperatingSystem = HostFacts.OperatingSystem,
            OSVersion = HostFacts.OsVersion,
            OSType = "linux",
            Architecture = HostFacts.Architecture,
            IndexServerAddress = "https://index.docker.io/v1/",
            RegistryConfig = new RegistryServiceConfig
            {
                InsecureRegistryCIDRs = ["::1/128", "127.0.0.0/8"],
                Mirrors = config.RegistryMirrors.ToList(),
            },
            NCPU = Environment.ProcessorCount,
            MemTotal = HostFacts.MemoryTotal,
            DockerRootDir = config.DataRoot,
            Name = Environment.MachineName,
            Labels = config.Labels.ToList(),
            ServerVersion = EngineInfo.Version,
            Runtimes = containers.Runtimes.Configured.ToDictionary(r => r.Key, r => new RuntimeInfo { Path = r.Value.Path }),
            DefaultRuntime = config.DefaultRuntime,
            Swarm = new SwarmInfo { LocalNodeState = "inactive" },
            LiveRestoreEnabled = config.LiveRestore,
            Isolation = "",
            InitBinary = "",
            ContainerdCommit = new CommitInfo { ID = "" },
            RuncCommit = new CommitInfo { ID = "" },
            InitCommit = new CommitInfo { ID = "" },
            SecurityOptions = ["name=cgroupns"],
            Warnings = warnings,
        };
    }
}
