using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Health;
using Modular.Kernel.Tests.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Health;

/// <summary>
/// One `oom` per kill between the watcher (at the kill) and the check at exit, on a cgroup tree made of plain files;
/// and the cgroup v2 notifier, whose memory.events inotify watch works on a plain file too.
/// </summary>
public sealed class OomKillsTests : IDisposable
{
    private readonly TempFolder _v1 = new("oom-v1");
    private readonly TempFolder _v2 = new("oom-v2");

    public void Dispose()
    {
        _v1.Dispose();
        _v2.Dispose();
    }

    private void SetV1Kills(string id, int kills) =>
        _v1.Write($"memory/modular/{id}/memory.oom_control", $"oom_kill_disable 0\nunder_oom 0\noom_kill {kills}\n");

    private void SetV2Kills(string id, int kills) =>
        File.WriteAllText(_v2.Combine("modular", id, "memory.events"), $"low 0\nhigh 0\nmax 3\noom 1\noom_kill {kills}\n");

    [Fact]
    public void A_kill_reported_by_the_watcher_is_not_reported_again_at_exit()
    {
        var id = Guid.NewGuid().ToString("N");
        SetV1Kills(id, 0);
        OomKills.BeginRun(id);
        var reports = 0;

        // v1 notifies just before the kill: the counter still reads 0, the notification stands for the kill.
        Assert.True(OomKills.ReportNew(id, notified: true, () => reports++, _v1.Path));
        SetV1Kills(id, 1);
        Assert.False(OomKills.ReportNew(id, notified: false, () => reports++, _v1.Path));
        Assert.False(OomKills.Happened(id, _v1.Path));
        // After the exit nothing more is reported for the run, even by a notification still on its way.
        Assert.False(OomKills.ReportNew(id, notified: true, () => reports++, _v1.Path));
        Assert.Equal(1, reports);
    }

    [Fact]
    public void The_check_at_exit_reports_what_the_watcher_missed_and_a_new_run_starts_afresh()
    {
        var id = Guid.NewGuid().ToString("N");
        SetV1Kills(id, 2);
        OomKills.BeginRun(id);
        Assert.True(OomKills.Happened(id, _v1.Path));

        // The next run's watch began late: the end of the previous run does not hide this run's kill.
        SetV1Kills(id, 1);
        Assert.True(OomKills.Happened(id, _v1.Path));
        OomKills.BeginRun(id);
        SetV1Kills(id, 0);
        Assert.False(OomKills.Happened(id, _v1.Path));
        OomKills.Forget(id);
    }

    [Fact]
    public async Task The_unified_notifier_calls_back_when_oom_kill_grows_and_not_for_other_counters()
    {
        var id = Guid.NewGuid().ToString("N");
        _v2.Write("cgroup.controllers", "memory pids\n");
        Directory.CreateDirectory(_v2.Combine("modular", id));
        SetV2Kills(id, 0);
        using var notifier = new CgroupOomNotifier(NullLogger.Instance, _v2.Path);
        var kills = new SemaphoreSlim(0);

        Assert.True(notifier.Watch(id, $"modular/{id}", () => kills.Release()));
        File.WriteAllText(_v2.Combine("modular", id, "memory.events"), "low 0\nhigh 1\nmax 4\noom 1\noom_kill 0\n");
        Assert.False(await kills.WaitAsync(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));
        SetV2Kills(id, 1);
        Assert.True(await kills.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        notifier.Unwatch(id);
        Assert.Equal(0, notifier.Count);
        SetV2Kills(id, 2);
        Assert.False(await kills.WaitAsync(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_cgroup_that_is_gone_cannot_be_watched()
    {
        _v2.Write("cgroup.controllers", "memory\n");
        using var notifier = new CgroupOomNotifier(NullLogger.Instance, _v2.Path);

        Assert.False(notifier.Watch("gone", "modular/gone", () => { }));
        Assert.Equal(0, notifier.Count);
    }
}
