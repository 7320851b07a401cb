using Modular.Kernel.Streams;

namespace Modular.Kernel.Containers;

/// <summary>
/// What the kernel holds in memory for a container between requests: the lock that serialises its lifecycle
/// operations, the output hub of its current (or next) run, its stdin, and the tasks waiters wait on.
/// </summary>
public sealed class ContainerHandle
{
    private TaskCompletionSource<int> _nextExit = NewSignal<int>();
    private readonly TaskCompletionSource _removed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<Stream?> _stdin = NewSignal<Stream?>();

    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>The hub clients attach to; replaced by a fresh one once a run's output is drained.</summary>
    public OutputHub Hub { get; private set; } = new();

    /// <summary>Completes with the container's stdin once it runs (null when the container has no open stdin).</summary>
    public Task<Stream?> Stdin => _stdin.Task;

    /// <summary>Completes with the exit code of the next (or current) run.</summary>
    public Task<int> NextExit => _nextExit.Task;

    public Task Removed => _removed.Task;

    /// <summary>Completes when the current run's log sink is closed; followers of `docker logs -f` end then.</summary>
    public Task RunEnded { get; private set; } = Task.CompletedTask;

    /// <summary>Completes when the OCI runtime has forgotten the previous run, so the container can be created again.</summary>
    public Task RuntimeReleased { get; set; } = Task.CompletedTask;

    /// <summary>The pseudo-terminal of the current run of a TTY container, for resizes; null otherwise.</summary>
    public Runtime.Terminal? Terminal { get; set; }

    /// <summary>Cancels a restart scheduled by the restart policy (stop and rm cancel it).</summary>
    public CancellationTokenSource? PendingRestart { get; set; }

    /// <summary>The back-off before the previous automatic restart.</summary>
    public TimeSpan RestartDelay { get; set; }

    /// <summary>The process of the current run, for signals.</summary>
    public int Pid { get; set; }

    internal TaskCompletionSource? RunEndedSource { get; private set; }

    internal void BeginRun(Stream? stdin)
    {
        RunEndedSource = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RunEnded = RunEndedSource.Task;
        _stdin.TrySetResult(stdin);
    }

    /// <summary>Ends the run: completes exit waiters and arms fresh signals and a fresh hub for the next run.</summary>
    internal void EndRun(int exitCode)
    {
        Hub.Complete();
        Hub = new OutputHub();
        RunEndedSource?.TrySetResult();
        var exited = _nextExit;
        _nextExit = NewSignal<int>();
        _stdin = NewSignal<Stream?>();
        Pid = 0;
        exited.TrySetResult(exitCode);
    }

    internal void MarkRemoved()
    {
        Hub.Complete();
        _stdin.TrySetResult(null);
        _nextExit.TrySetResult(-1);
        _removed.TrySetResult();
    }

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
