namespace Modular.Kernel.Containers;

/// <summary>The states of Docker's container model, spelled as the API spells them (State.Status).</summary>
public enum ContainerStatus
{
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

/// <summary>What happened to a container; each is one edge of the lifecycle graph and one event on the bus.</summary>
public enum ContainerTransition
{
    Start,
    Exit,
    Pause,
    Unpause,
    Restart,
    Remove,
    RemovalFailed,
}

public static class ContainerStatusNames
{
    public static string ToApi(this ContainerStatus status) => status switch
    {
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        ContainerStatus.Restarting => "restarting",
        ContainerStatus.Removing => "removing",
        ContainerStatus.Exited => "exited",
        _ => "dead",
    };
}
