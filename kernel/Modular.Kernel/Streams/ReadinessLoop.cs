using System.Collections.Concurrent;

namespace Modular.Kernel.Streams;

/// <summary>
/// Waits for many descriptors at once (one epoll set) and runs each one's handler inline on a loop thread, so the
/// output pipes and shim sockets of a hundred containers do not cost a thread each.
/// <para>
/// Descriptors are edge-triggered: a handler reads what there is (until the descriptor would block, or a short read
/// shows it empty) and the next write wakes it again, with no re-arming call per wake-up. A descriptor's handler never
/// runs twice at once; a wake-up that comes while it runs makes it run again.
/// </para>
/// <para>
/// A handler that blocks (a log driver whose server has stopped reading) holds back only its own descriptor, and a
/// loop thread: when every loop thread has been inside a handler with no handler starting or finishing for
/// <see cref="StuckAfterMilliseconds"/>, one more loop thread starts, so the other descriptors keep flowing. Loop
/// threads beyond <see cref="MinThreads"/> end once the others are idle.
/// </para>
/// </summary>
internal sealed class ReadinessLoop
{
    // One thread at rest: wake-ups are not handed back and forth between threads.
    private const int MinThreads = 1;
    private const int StuckAfterMilliseconds = 500;
    private const int WatchdogPeriodMilliseconds = 250;
    private const int IdleWaitMilliseconds = 30_000;

    private static readonly Lazy<ReadinessLoop> SharedLoop = new(() => new ReadinessLoop());

    private readonly int _epoll = Epoll.Create();
    private readonly ConcurrentDictionary<long, Watch> _watches = new();
    private readonly object _threadsLock = new();
    private readonly Timer _watchdog;
    private long _nextToken;
    private int _threads;
    private int _busy;
    private long _lastProgress = Environment.TickCount64;

    public ReadinessLoop() => _watchdog = new Timer(_ => Watchdog(), null, Timeout.Infinite, Timeout.Infinite);

    /// <summary>The daemon's loop for container output and shim sockets.</summary>
    public static ReadinessLoop Shared => SharedLoop.Value;

    /// <summary>Loop threads alive now (tests watch them come and go).</summary>
    public int Threads => Volatile.Read(ref _threads);

    /// <summary>
    /// Runs <paramref name="onReadable"/> whenever something arrives on <paramref name="descriptor"/>, told whether the
    /// other end has hung up (then a short read no longer means drained: the end must be read too), until it answers
    /// <see cref="Readiness.Ended"/> or throws; then removes the descriptor and runs
    /// <paramref name="onEnded"/>, once. The caller keeps the descriptor open until <paramref name="onEnded"/>.
    /// <paramref name="abandoned"/>, asked a few times a second, ends the watch early when it turns true (the owner
    /// gave up on a descriptor that may never become readable).
    /// </summary>
    public Watch Add(int descriptor, Func<bool, Readiness> onReadable, Action onEnded, Func<bool>? abandoned = null)
    {
        var watch = new Watch(descriptor, Interlocked.Increment(ref _nextToken), onReadable, onEnded, abandoned);
        _watches[watch.Token] = watch;
        lock (_threadsLock)
        {
            while (_threads < MinThreads)
            {
                StartThread();
            }
            _watchdog.Change(WatchdogPeriodMilliseconds, WatchdogPeriodMilliseconds);
        }
        var error = Epoll.Control(_epoll, Epoll.EPOLL_CTL_ADD, descriptor, Epoll.EPOLLIN | Epoll.EPOLLET, watch.Token);
        if (error != 0)
        {
            _watches.TryRemove(watch.Token, out _);
            throw new IOException($"cannot watch descriptor {descriptor}: errno {error}");
        }
        return watch;
    }

    /// <summary>Ends a watch from outside: at once when its handler is not running, else when the handler returns.</summary>
    public void Cancel(Watch watch)
    {
        lock (watch)
        {
            if (watch.State == WatchState.Running)
            {
                watch.CancelRequested = true;
                return;
            }
            if (watch.State == WatchState.Ended)
            {
                return;
            }
            watch.State = WatchState.Ended;
        }
        End(watch);
    }

    private void StartThread()
    {
        _threads++;
        new Thread(Loop) { IsBackground = true, Name = "readiness-loop" }.Start();
    }

    private void Loop()
    {
        while (true)
        {
            if (Epoll.WaitOne(_epoll, IdleWaitMilliseconds) is { } ready && _watches.TryGetValue(ready.Token, out var watch))
            {
                Run(watch, (ready.Events & (Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0);
            }
            if (TryRetire())
            {
                return;
            }
        }
    }

    private bool TryRetire()
    {
        lock (_threadsLock)
        {
            // Idle threads besides this one: more than the minimum are not needed.
            if (_threads - Volatile.Read(ref _busy) > MinThreads)
            {
                _threads--;
                return true;
            }
            return false;
        }
    }

    private void Run(Watch watch, bool hungUp)
    {
        lock (watch)
        {
            watch.HungUp |= hungUp;
            if (watch.State == WatchState.Running)
            {
                watch.WokenWhileRunning = true;
                return;
            }
            if (watch.State != WatchState.Armed)
            {
                return;
            }
            watch.State = WatchState.Running;
        }
        Interlocked.Increment(ref _busy);
        Volatile.Write(ref _lastProgress, Environment.TickCount64);
        Readiness readiness;
        try
        {
            readiness = watch.OnReadable(watch.HungUp);
        }
        catch (Exception)
        {
            // A handler reports its own failures; one that throws has simply ended.
            readiness = Readiness.Ended;
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
            Volatile.Write(ref _lastProgress, Environment.TickCount64);
        }
        lock (watch)
        {
            if (readiness != Readiness.Ended && !watch.CancelRequested)
            {
                watch.State = WatchState.Armed;
                // Data left behind, or a wake-up another thread passed over: arming it again queues it at once if it
                // is still readable, behind the descriptors already waiting.
                var again = readiness == Readiness.More || watch.WokenWhileRunning;
                watch.WokenWhileRunning = false;
                if (!again || Epoll.Control(_epoll, Epoll.EPOLL_CTL_MOD, watch.Descriptor, Epoll.EPOLLIN | Epoll.EPOLLET, watch.Token) == 0)
                {
                    return;
                }
            }
            watch.State = WatchState.Ended;
        }
        End(watch);
    }

    private void End(Watch watch)
    {
        Epoll.Control(_epoll, Epoll.EPOLL_CTL_DEL, watch.Descriptor, 0, 0);
        _watches.TryRemove(watch.Token, out _);
        lock (_threadsLock)
        {
            if (_watches.IsEmpty)
            {
                _watchdog.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }
        try
        {
            watch.OnEnded();
        }
        catch (Exception)
        {
            // As for handlers: the owner reports its own failures.
        }
    }

    private void Watchdog()
    {
        foreach (var watch in _watches.Values)
        {
            if (watch.Abandoned?.Invoke() == true)
            {
                Cancel(watch);
            }
        }
        lock (_threadsLock)
        {
            var now = Environment.TickCount64;
            if (_threads > 0 && Volatile.Read(ref _busy) >= _threads && now - Volatile.Read(ref _lastProgress) > StuckAfterMilliseconds)
            {
                Volatile.Write(ref _lastProgress, now);
                StartThread();
            }
        }
    }

    /// <summary>What a handler found.</summary>
    internal enum Readiness
    {
        /// <summary>It took all there was: the next write wakes it.</summary>
        Drained,

        /// <summary>It stopped with data left, to give other descriptors their turn.</summary>
        More,

        /// <summary>The descriptor has ended (or is given up): stop watching it.</summary>
        Ended,
    }

    internal enum WatchState
    {
        Armed,
        Running,
        Ended,
    }

    /// <summary>One watched descriptor.</summary>
    internal sealed class Watch(int descriptor, long token, Func<bool, Readiness> onReadable, Action onEnded, Func<bool>? abandoned)
    {
        public int Descriptor { get; } = descriptor;
        public long Token { get; } = token;
        public Func<bool, Readiness> OnReadable { get; } = onReadable;
        public Action OnEnded { get; } = onEnded;
        public Func<bool>? Abandoned { get; } = abandoned;
        public WatchState State { get; set; }
        public bool CancelRequested { get; set; }
        public bool WokenWhileRunning { get; set; }
        public bool HungUp { get; set; }
    }
}
