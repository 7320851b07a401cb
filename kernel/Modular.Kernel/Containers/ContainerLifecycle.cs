namespace Modular.Kernel.Containers;

/// <summary>
/// THE container state machine: the only place that decides which transition is legal from which state.
/// Everything else asks it; nobody assigns a status directly.
/// </summary>
public static class ContainerLifecycle
{
    private static readonly Dictionary<(ContainerStatus From, ContainerTransition Via), ContainerStatus> Table = new()
    {
        [(ContainerStatus.Created, ContainerTransition.Start)] = ContainerStatus.Running,
        [(ContainerStatus.Exited, ContainerTransition.Start)] = ContainerStatus.Running,
        [(ContainerStatus.Restarting, ContainerTransition.Start)] = ContainerStatus.Running,

        [(ContainerStatus.Running, ContainerTransition.Exit)] = ContainerStatus.Exited,
        [(ContainerStatus.Paused, ContainerTransition.Exit)] = ContainerStatus.Exited,
        [(ContainerStatus.Restarting, ContainerTransition.Exit)] = ContainerStatus.Exited,

        [(ContainerStatus.Running, ContainerTransition.Pause)] = ContainerStatus.Paused,
        [(ContainerStatus.Paused, ContainerTransition.Unpause)] = ContainerStatus.Running,

        [(ContainerStatus.Exited, ContainerTransition.Restart)] = ContainerStatus.Restarting,

        [(ContainerStatus.Created, ContainerTransition.Remove)] = ContainerStatus.Removing,
        [(ContainerStatus.Exited, ContainerTransition.Remove)] = ContainerStatus.Removing,
        [(ContainerStatus.Dead, ContainerTransition.Remove)] = ContainerStatus.Removing,

        [(ContainerStatus.Removing, ContainerTransition.RemovalFailed)] = ContainerStatus.Dead,
    };

    public static bool CanApply(ContainerStatus from, ContainerTransition via) => Table.ContainsKey((from, via));

    /// <summary>The state after <paramref name="via"/>, or an InvalidOperationException naming both when it is illegal.</summary>
    public static ContainerStatus Next(ContainerStatus from, ContainerTransition via) =>
        Table.TryGetValue((from, via), out var to)
            ? to
            : throw new InvalidOperationException($"a {from.ToApi()} container cannot {via.ToString().ToLowerInvariant()}");

    /// <summary>The Docker event action published for a transition.</summary>
    public static string EventAction(ContainerTransition via) => via switch
    {
        ContainerTransition.Start => "start",
        ContainerTransition.Exit => "die",
        ContainerTransition.Pause => "pause",
        ContainerTransition.Unpause => "unpause",
        ContainerTransition.Restart => "restart",
        ContainerTransition.Remove => "destroy",
        _ => "dead",
    };

    public static bool IsActive(ContainerStatus status) =>
        status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;
}
