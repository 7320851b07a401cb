using Microsoft.Extensions.Logging;
using Modular.Kernel.Containers;
using Modular.Kernel.Events;
using Modular.Kernel.Stats;

namespace Modular.Kernel.Health;

/// <summary>
/// Reports an OOM kill inside a running container when it happens, as dockerd does on containerd's OOM event: the
/// `oom` event is published and State.OOMKilled set while the container may still run (a killed child does not end
/// it). Follows the containers through the event bus: a `start` begins the watch of the container's memory cgroup,
/// `die` ends it. What a watch misses (a kill before it began) the check at exit still reports, once.
/// </summary>
public sealed class OomWatcher : IDisposable
{
    private readonly ContainerService _containers;
    private readonly EventBus _events;
    private readonly ILogger<OomWatcher> _logger;
    private readonly CgroupOomNotifier _notifier;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _unified = OomKills.UnifiedHierarchy();

    public OomWatcher(ContainerService containers, EventBus events, ILogger<OomWatcher> logger)
    {
        _containers = containers;
        _events = events;
        _logger = logger;
        _notifier = new CgroupOomNotifier(logger);
    }

    /// <summary>Watches the containers running now and every one that starts from here on.</summary>
    public void Start()
    {
        var (_, live) = _events.Subscribe(since: null);
        foreach (var container in _containers.Store.All.Where(c => c.State.Status == ContainerStatus.Running))
        {
            Watch(container);
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var engineEvent in live.ReadAllAsync(_stop.Token))
                {
                    Follow(engineEvent);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _events.Unsubscribe(live);
            }
        });
    }

    /// <summary>How many containers are watched now.</summary>
    public int Watched => _notifier.Count;

    private void Follow(EngineEvent engineEvent)
    {
        if (engineEvent.Type != "container")
        {
            return;
        }
        switch (engineEvent.Action)
        {
            case "start":
                // A run that is over by now was checked at its exit.
                if (_containers.Store.Find(engineEvent.ActorId) is { State.Status: ContainerStatus.Running } container)
                {
                    OomKills.BeginRun(container.Id);
                    Watch(container);
                }
                break;
            case "die":
                _notifier.Unwatch(engineEvent.ActorId);
                break;
            case "destroy":
                _notifier.Unwatch(engineEvent.ActorId);
                OomKills.Forget(engineEvent.ActorId);
                break;
        }
    }

    private void Watch(Container container)
    {
        var watched = _notifier.Watch(container.Id, ContainerStatsSampler.CgroupPathOf(container.Id),
            () => Report(container, notified: !_unified));
        if (!watched)
        {
            _logger.LogDebug("No memory cgroup to watch for OOM kills of {Container} (it stopped already)", container.ShortId);
        }
        // A kill between the start and the watch: the counter already shows it.
        Report(container, notified: false);
    }

    private void Report(Container container, bool notified)
    {
        var reported = OomKills.ReportNew(container.Id, notified, () =>
        {
            container.State.OomKilled = true;
            _containers.Publish(container, "oom");
        });
        if (reported)
        {
            _ = Task.Run(() => SaveAsync(container));
        }
    }

    // The flag is saved under the container's lock, as every state save is, off the notifier's thread.
    private async Task SaveAsync(Container container)
    {
        if (_containers.Store.Find(container.Id) != container)
        {
            return;
        }
        var handle = _containers.HandleOf(container);
        await handle.Lock.WaitAsync();
        try
        {
            if (_containers.Store.Find(container.Id) == container)
            {
                _containers.Store.Save(container);
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Saving OOMKilled of {Container} failed", container.ShortId);
        }
        finally
        {
            handle.Lock.Release();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _notifier.Dispose();
        _stop.Dispose();
    }
}
