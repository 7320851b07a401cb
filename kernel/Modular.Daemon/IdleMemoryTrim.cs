using System.Runtime;

namespace Modular.Daemon;

/// <summary>
/// Gives memory back to the host once the daemon goes quiet after work. The GC keeps the space of a large gen0
/// budget (sized from the CPU cache) and of freed regions committed, which is most of an idle daemon's private
/// memory; one aggressive, compacting collection when nothing was allocated for a while returns it, as Go's
/// scavenger does for dockerd. Busy periods are left alone: the check only reads the allocation counter.
/// </summary>
public sealed class IdleMemoryTrim : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    // Below this much allocation in a period the daemon counts as quiet; above the other since the last trim, there
    // is something worth returning.
    private const long QuietBytes = 512 * 1024;
    private const long WorkBytes = 4 * 1024 * 1024;

    private readonly Timer _timer;
    private long _lastSample;
    private long _atLastTrim;

    private IdleMemoryTrim()
    {
        _timer = new Timer(_ => Check(), null, Period, Period);
    }

    public static IdleMemoryTrim Start() => new();

    /// <summary>How many times memory was given back (for tests and logs).</summary>
    public int Trims { get; private set; }

    private void Check()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var quiet = allocated - _lastSample < QuietBytes;
        _lastSample = allocated;
        if (!quiet || allocated - _atLastTrim < WorkBytes)
        {
            return;
        }
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _atLastTrim = _lastSample = GC.GetTotalAllocatedBytes(precise: false);
        Trims++;
    }

    public void Dispose() => _timer.Dispose();
}
