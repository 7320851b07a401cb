namespace Modular.Logging.JsonFile;

/// <summary>
/// What the sink and the readers of one container's log share inside the daemon: the lock that makes rotation and
/// a reader's snapshot of the file set atomic with respect to each other, a rotation counter that tells a following
/// reader how many files moved under it, and a wake-up for followers after each write.
/// </summary>
internal sealed class SharedLogFile
{
    private static readonly Dictionary<string, SharedLogFile> Open = new(StringComparer.Ordinal);

    private readonly string _key;
    private readonly object _signalLock = new();
    private TaskCompletionSource? _nextWrite;
    private int _users;
    private int _generation;

    private SharedLogFile(string key) => _key = key;

    /// <summary>Held while files are renamed or a reader opens its snapshot of the file set.</summary>
    public object RotationLock { get; } = new();

    /// <summary>How many rotations happened since the sink of this process first opened the file.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The running compression of the most recently rotated file, if any.</summary>
    public Task PendingCompression { get; set; } = Task.CompletedTask;

    /// <summary>Gets the shared state for <paramref name="paths"/>; every call must be matched by <see cref="Release"/>.</summary>
    public static SharedLogFile Acquire(LogFilePaths paths)
    {
        lock (Open)
        {
            if (!Open.TryGetValue(paths.Current, out var shared))
            {
                shared = new SharedLogFile(paths.Current);
                Open.Add(paths.Current, shared);
            }
            shared._users++;
            return shared;
        }
    }

    public void Release()
    {
        lock (Open)
        {
            if (--_users == 0)
            {
                Open.Remove(_key);
            }
        }
    }

    /// <summary>Called under <see cref="RotationLock"/> once the new current file is in place.</summary>
    public void MarkRotated() => Interlocked.Increment(ref _generation);

    /// <summary>A task that completes at the next <see cref="SignalWrite"/>. Take it before checking for data, so no write is missed.</summary>
    public Task NextWrite()
    {
        lock (_signalLock)
        {
            return (_nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    public void SignalWrite()
    {
        // Most writes have no follower waiting: skip the lock then.
        if (Volatile.Read(ref _nextWrite) is null)
        {
            return;
        }
        TaskCompletionSource? waiting;
        lock (_signalLock)
        {
            waiting = _nextWrite;
            _nextWrite = null;
        }
        waiting?.TrySetResult();
    }
}
