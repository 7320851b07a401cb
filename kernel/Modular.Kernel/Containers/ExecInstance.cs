using Modular.Api.Models;
using Modular.Kernel.Streams;

namespace Modular.Kernel.Containers;

/// <summary>One `docker exec`: created, started once, then finished with an exit code. Kept in memory, as dockerd does.</summary>
public sealed class ExecInstance(string id, Container container, ExecConfig config)
{
    private readonly TaskCompletionSource<Stream?> _stdin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public Container Container { get; } = container;
    public ExecConfig Config { get; } = config;
    public OutputHub Hub { get; } = new();
    public bool Started { get; set; }
    public bool Running { get; set; }
    public int Pid { get; set; }
    public int? ExitCode { get; set; }

    /// <summary>The exec's pseudo-terminal while it runs with a TTY, for resizes.</summary>
    public Runtime.Terminal? Terminal { get; set; }

    public Task<Stream?> Stdin => _stdin.Task;
    public Task<int> Exited => _exited.Task;

    internal void Began(Stream? stdin) => _stdin.TrySetResult(stdin);

    internal void Finish(int exitCode)
    {
        ExitCode = exitCode;
        Running = false;
        Pid = 0;
        Hub.Complete();
        _stdin.TrySetResult(null);
        _exited.TrySetResult(exitCode);
    }
}
