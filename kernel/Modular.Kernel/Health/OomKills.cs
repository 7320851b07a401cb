using System.Collections.Concurrent;
using Modular.Kernel.Stats;

namespace Modular.Kernel.Health;

/// <summary>
/// Whether the kernel's OOM killer struck inside a container's cgroup during its run: the `oom_kill` counter of
/// memory.oom_control (cgroup v1) or memory.events (v2). runc creates the cgroup at each start and removes it at
/// delete, so a count above zero read before delete belongs to this run. Kills the <see cref="OomWatcher"/> already
/// reported as they happened are remembered here, so the check at exit reports only what it missed: one `oom` event
/// per kill, never a second one at exit.
/// </summary>
public static class OomKills
{
    private static readonly ConcurrentDictionary<string, long> Reported = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private const long RunEnded = long.MaxValue;

    public static bool UnifiedHierarchy(string cgroupRoot = "/sys/fs/cgroup") => File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"));

    /// <summary>The folder of the container's memory cgroup.</summary>
    public static string MemoryCgroupOf(string containerId, string cgroupRoot = "/sys/fs/cgroup")
    {
        var relative = ContainerStatsSampler.CgroupPathOf(containerId);
        return UnifiedHierarchy(cgroupRoot) ? Path.Combine(cgroupRoot, relative) : Path.Combine(cgroupRoot, "memory", relative);
    }

    /// <summary>
    /// At exit: whether OOM kills happened in this run that were not reported yet. Ends the run's bookkeeping.
    /// </summary>
    public static bool Happened(string containerId, string cgroupRoot = "/sys/fs/cgroup")
    {
        var kills = CgroupOomNotifier.OomKillsIn(MemoryCgroupOf(containerId, cgroupRoot), UnifiedHierarchy(cgroupRoot));
        lock (Gate)
        {
            // A mark left by the previous run's end means this run's watch never began: nothing of it was reported.
            var reported = Reported.GetValueOrDefault(containerId) is var value && value == RunEnded ? 0 : value;
            // The run is over: a notification still in flight must not report it a second time.
            Reported[containerId] = RunEnded;
            return kills > reported;
        }
    }

    /// <summary>A run begins: nothing of it is reported yet.</summary>
    public static void BeginRun(string containerId) => Reported.TryRemove(containerId, out _);

    /// <summary>
    /// Reports the kills the counter shows beyond those already reported, calling <paramref name="report"/> once if
    /// there are any. <paramref name="notified"/> is a cgroup v1 OOM notification, which the kernel sends just before
    /// it kills (the counter not yet raised): it stands for one kill.
    /// </summary>
    public static bool ReportNew(string containerId, bool notified, Action report, string cgroupRoot = "/sys/fs/cgroup")
    {
        var kills = CgroupOomNotifier.OomKillsIn(MemoryCgroupOf(containerId, cgroupRoot), UnifiedHierarchy(cgroupRoot));
        lock (Gate)
        {
            var reported = Reported.GetValueOrDefault(containerId);
            if (reported == RunEnded)
            {
                return false;
            }
            var accounted = notified ? Math.Max(kills, reported + 1) : kills;
            if (accounted <= reported)
            {
                return false;
            }
            Reported[containerId] = accounted;
            // Published under the gate: the check at exit (and its `die`) cannot slip between count and event.
            report();
            return true;
        }
    }

    /// <summary>Forgets a removed container.</summary>
    public static void Forget(string containerId) => Reported.TryRemove(containerId, out _);
}
