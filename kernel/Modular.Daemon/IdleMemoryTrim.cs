using System.Runtime;
using System.Runtime.InteropServices;
using Modular.Kernel.Host;

namespace Modular.Daemon;

/// <summary>
/// Gives memory back to the host once the daemon goes quiet after work, as Go's scavenger does for dockerd. Two pools
/// keep what work left behind: the GC keeps the space of a large gen0 budget (sized from the CPU cache) and of freed
/// regions committed, and glibc keeps freed native memory (the JIT's, the type loader's, Kestrel's) in per-thread
/// arenas. One aggressive, compacting collection returns the first, <c>malloc_trim</c> the second. Busy periods are
/// left alone: the check only reads the allocation and JIT counters.
/// </summary>
/// <remarks>
/// Quiet includes the JIT: the first request of a kind compiles the methods it needs. And the runtime hands the JIT's
/// scratch slabs back to malloc only some seconds after their last use (the finalizer thread flushes that cache every
/// 2 s, a slab going on the second flush), so a trim right after the work is followed by a few more, one a
/// <see cref="Period"/>, while the daemon stays quiet.
/// After <see cref="PageOutAfter"/> of quiet, the pages mapped from files go back too (<see cref="MappedFilePageOut"/>):
/// most of what stays resident once the heaps are trimmed is the runtime's and the assemblies' code and metadata.
/// </remarks>
public sealed partial class IdleMemoryTrim : IDisposable
{
    // Short, so that memory goes back a second or two after the last request rather than many seconds later; a tick
    // that finds the daemon busy or already trimmed costs two counter reads.
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private const int FollowUps = 4;

    // Below these in a period the daemon counts as quiet (a trickle of compilations included); above the others since
    // the last trim, there is something worth returning.
    private const long QuietBytes = 128 * 1024;
    private const long QuietMethods = 50;
    private const long WorkBytes = 4 * 1024 * 1024;
    private const long WorkMethods = 200;

    // Reading the code back costs the first request after the page-out tens of milliseconds here (82 ms for a
    // `docker ps` that otherwise takes 12), so not at every pause of a user between commands or of a script between
    // steps; two minutes is also how long Go's runtime lets dockerd go without a forced collection.
    private static readonly TimeSpan PageOutAfter = TimeSpan.FromMinutes(2);

    private readonly Timer _timer;
    private long _lastAllocated;
    private long _lastJitted;
    private long _allocatedAtTrim;
    private long _jittedAtTrim;
    private int _followUpsLeft;
    private TimeSpan _quietFor;
    private bool _pagedOut;

    private IdleMemoryTrim()
    {
        _timer = new Timer(_ => Check(), null, Period, Period);
    }

    public static IdleMemoryTrim Start() => new();

    private void Check()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var jitted = JitInfo.GetCompiledMethodCount(currentThread: false);
        var quiet = allocated - _lastAllocated < QuietBytes && jitted - _lastJitted < QuietMethods;
        _lastAllocated = allocated;
        _lastJitted = jitted;
        if (!quiet)
        {
            _quietFor = TimeSpan.Zero;
            _pagedOut = false;
            return;
        }
        _quietFor += Period;
        var worked = allocated - _allocatedAtTrim >= WorkBytes || jitted - _jittedAtTrim >= WorkMethods;
        if (worked)
        {
            _followUpsLeft = FollowUps;
        }
        else if (_followUpsLeft > 0)
        {
            _followUpsLeft--;
        }
        else
        {
            PageOutOnceQuietLongEnough();
            return;
        }
        Trim();
        _allocatedAtTrim = _lastAllocated = GC.GetTotalAllocatedBytes(precise: false);
        _jittedAtTrim = _lastJitted = JitInfo.GetCompiledMethodCount(currentThread: false);
    }

    private void PageOutOnceQuietLongEnough()
    {
        if (_pagedOut || _quietFor < PageOutAfter)
        {
            return;
        }
        _pagedOut = true;
        MappedFilePageOut.Run();
    }

    private static void Trim()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // Finalizers of what that collection found dead (zlib streams, hash contexts, handles) free native memory on
        // the finalizer thread; waiting for them lets malloc_trim return that memory too.
        GC.WaitForPendingFinalizers();
        MallocTrim(0);
    }

    public void Dispose() => _timer.Dispose();

    // Releases the free memory of every glibc arena (not only the top of the main heap) back to the kernel.
    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
