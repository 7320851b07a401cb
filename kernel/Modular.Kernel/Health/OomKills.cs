using Modular.Kernel.Stats;

namespace Modular.Kernel.Health;

/// <summary>
/// Whether the kernel's OOM killer struck inside a container's cgroup during its run: the `oom_kill` counter of
/// memory.oom_control (cgroup v1) or memory.events (v2). runc creates the cgroup at each start and removes it at
/// delete, so a count above zero read before delete belongs to this run.
/// </summary>
public static class OomKills
{
    public static bool Happened(string containerId, string cgroupRoot = "/sys/fs/cgroup")
    {
        var relative = ContainerStatsSampler.CgroupPathOf(containerId);
        var counters = File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"))
            ? Path.Combine(cgroupRoot, relative, "memory.events")
            : Path.Combine(cgroupRoot, "memory", relative, "memory.oom_control");
        try
        {
            return CgroupFiles.ReadKeyValuesIfPresent(counters).GetValueOrDefault("oom_kill") > 0;
        }
        catch (IOException)
        {
            // The cgroup went away with the container: nothing left to tell.
            return false;
        }
    }
}
