using Modular.Api.Models;

namespace Modular.Kernel.Stats;

/// <summary>What one read of a container's cgroup yields, already in the units and shapes of the stats API.</summary>
public sealed record CgroupStats(CpuUsage Cpu, ThrottlingData Throttling, MemoryStats Memory, BlkioStats Blkio, PidsStats Pids);

/// <summary>Reads a container's cgroup counters; one implementation per cgroup hierarchy layout.</summary>
public interface ICgroupStatsReader
{
    /// <summary>Reads the cgroup at <paramref name="cgroupPath"/> (relative to the hierarchy's root, e.g. "modular/&lt;id&gt;").</summary>
    /// <exception cref="IOException">The cgroup is gone (the container stopped) or unreadable.</exception>
    CgroupStats Read(string cgroupPath);
}
