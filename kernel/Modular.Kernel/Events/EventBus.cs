using System.Threading.Channels;

namespace Modular.Kernel.Events;

/// <summary>
/// The one event bus. Every state change is published here; listeners get their own unbounded channel so a slow
/// reader never blocks the lifecycle. The last events are kept so `/events?since=` can replay them.
/// </summary>
public sealed class EventBus
{
    private const int Retained = 1024;
    private readonly LinkedList<EngineEvent> _recent = new();
    private readonly List<Channel<EngineEvent>> _listeners = new();

    public void Publish(EngineEvent engineEvent)
    {
        lock (_listeners)
        {
            _recent.AddLast(engineEvent);
            if (_recent.Count > Retained)
            {
                _recent.RemoveFirst();
            }
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(engineEvent);
            }
        }
    }

    public int ListenerCount
    {
        get { lock (_listeners) { return _listeners.Count; } }
    }

    /// <summary>Subscribes, returning the retained events at or after <paramref name="since"/> and the live channel.</summary>
    public (IReadOnlyList<EngineEvent> Past, ChannelReader<EngineEvent> Live) Subscribe(DateTimeOffset? since)
    {
        var channel = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_listeners)
        {
            _listeners.Add(channel);
            var past = since is null ? [] : _recent.Where(e => e.Time >= since).ToList();
            return (past, channel.Reader);
        }
    }

    public void Unsubscribe(ChannelReader<EngineEvent> reader)
    {
        lock (_listeners)
        {
            _listeners.RemoveAll(l => l.Reader == reader);
        }
    }
}
