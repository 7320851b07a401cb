using System.Runtime;
using System.Runtime.InteropServices;

namespace Modular.Daemon;

/// <summary>
/// Gives memory back to the host once the daemon goes quiet after work, as Go's scavenger does for dockerd. Two pools
/// keep what work left behind: the GC keeps the space of a large gen0 budget (sized from the CPU cache) and of freed
/// regions committed, and glibc keeps freed native memory (the JIT's, the type loader's, Kestrel's) in per-thread
/// arenas. One aggressive, compacting collection returns the first, <c>malloc_trim</c> the second. Busy periods are
/// left alone: the check only reads the allocation counter.
/// </summary>
public sealed partial class IdleMemoryTrim : IDisposable
{
    // Short, so that memory goes back a second or two after the last request rather than many seconds later; a tick
    // that finds the daemon busy or already trimmed costs one counter read.
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    // Below this much allocation in a period the daemon counts as quiet; above the other since the last trim, there
    // is something worth returning.
    private const long QuietBytes = 128 * 1024;
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
        MallocTrim(0);
        _atLastTrim = _lastSample = GC.GetTotalAllocatedBytes(precise: false);
        Trims++;
    }

    public void Dispose() => _timer.Dispose();

    // Releases the free memory of every glibc arena (not only the top of the main heap) back to the kernel.
    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
