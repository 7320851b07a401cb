using Modular.Api.Models;

namespace Modular.Kernel.Stats;

/// <summary>
/// Takes one stats sample of a running container: its cgroup counters, the host's CPU time read right after them
/// (so the CPU % ratio compares the same instants), and the network counters of its init's namespace.
/// </summary>
public sealed class ContainerStatsSampler(ICgroupStatsReader cgroups, string procRoot = "/proc")
{
    /// <summary>The reader for the hierarchy this host mounts at /sys/fs/cgroup.</summary>
    public static ContainerStatsSampler ForHost(string cgroupRoot = "/sys/fs/cgroup")
    {
        var hostMemory = HostMemory.ParseMemTotal(File.ReadLines("/proc/meminfo"));
        // A cgroup2 mount at the root means pure v2; otherwise v1 controllers hold the counters, even on hybrid
        // hosts whose extra cgroup2 mount (…/unified) carries no controller runc places containers under.
        ICgroupStatsReader reader = File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"))
            ? new CgroupV2StatsReader(cgroupRoot, hostMemory)
            : new CgroupV1StatsReader(cgroupRoot, hostMemory);
        return new ContainerStatsSampler(reader);
    }

    public ICgroupStatsReader Cgroups => cgroups;

    /// <summary>The cgroup runc puts a container in: OciSpecBuilder's cgroupsPath "/modular/&lt;id&gt;", relative to each hierarchy.</summary>
    public static string CgroupPathOf(string containerId) => $"modular/{containerId}";

    /// <exception cref="IOException">The container's cgroup or process is gone (it stopped meanwhile).</exception>
    public ContainerStats Sample(string containerId, int pid)
    {
        var read = DateTime.UtcNow;
        var cgroup = cgroups.Read(CgroupPathOf(containerId));
        var (systemUsage, onlineCpus) = HostCpu.Parse(File.ReadLines(Path.Combine(procRoot, "stat")));
        var networks = NetDev.Parse(File.ReadLines(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "net", "dev")));
        return new ContainerStats
        {
            Read = read,
            PidsStats = cgroup.Pids,
            BlkioStats = cgroup.Blkio,
            CpuStats = new CpuStats
            {
                CpuUsage = cgroup.Cpu,
                SystemCpuUsage = systemUsage,
                OnlineCpus = onlineCpus,
                ThrottlingData = cgroup.Throttling,
            },
            MemoryStats = cgroup.Memory,
            Networks = networks,
        };
    }
}
