using Modular.Kernel.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Lifecycle;

public sealed class ContainerLifecycleTests
{
    // Docker's state graph, written out independently of the table under test.
    private static readonly (ContainerStatus From, ContainerTransition Via, ContainerStatus To)[] Legal =
    [
        (ContainerStatus.Created, ContainerTransition.Start, ContainerStatus.Running),
        (ContainerStatus.Exited, ContainerTransition.Start, ContainerStatus.Running),
        (ContainerStatus.Restarting, ContainerTransition.Start, ContainerStatus.Running),
        (ContainerStatus.Running, ContainerTransition.Exit, ContainerStatus.Exited),
        (ContainerStatus.Paused, ContainerTransition.Exit, ContainerStatus.Exited),
        (ContainerStatus.Restarting, ContainerTransition.Exit, ContainerStatus.Exited),
        (ContainerStatus.Running, ContainerTransition.Pause, ContainerStatus.Paused),
        (ContainerStatus.Paused, ContainerTransition.Unpause, ContainerStatus.Running),
        (ContainerStatus.Exited, ContainerTransition.Restart, ContainerStatus.Restarting),
        (ContainerStatus.Created, ContainerTransition.Remove, ContainerStatus.Removing),
        (ContainerStatus.Exited, ContainerTransition.Remove, ContainerStatus.Removing),
        (ContainerStatus.Dead, ContainerTransition.Remove, ContainerStatus.Removing),
        (ContainerStatus.Removing, ContainerTransition.RemovalFailed, ContainerStatus.Dead),
    ];

    public static TheoryData<ContainerStatus, ContainerTransition, ContainerStatus> LegalTransitions()
    {
        var data = new TheoryData<ContainerStatus, ContainerTransition, ContainerStatus>();
        foreach (var (from, via, to) in Legal)
        {
            data.Add(from, via, to);
        }
        return data;
    }

    public static TheoryData<ContainerStatus, ContainerTransition> IllegalTransitions()
    {
        var data = new TheoryData<ContainerStatus, ContainerTransition>();
        foreach (var from in Enum.GetValues<ContainerStatus>())
        {
            foreach (var via in Enum.GetValues<ContainerTransition>())
            {
                if (!Legal.Any(l => l.From == from && l.Via == via))
                {
                    data.Add(from, via);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Every_legal_transition_leads_to_its_state(ContainerStatus from, ContainerTransition via, ContainerStatus to)
    {
        Assert.True(ContainerLifecycle.CanApply(from, via));
        Assert.Equal(to, ContainerLifecycle.Next(from, via));
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Every_other_pair_is_refused(ContainerStatus from, ContainerTransition via)
    {
        Assert.False(ContainerLifecycle.CanApply(from, via));
        Assert.Throws<InvalidOperationException>(() => ContainerLifecycle.Next(from, via));
    }

    [Theory]
    [InlineData(ContainerStatus.Running, ContainerTransition.Remove, "a running container cannot remove")]
    [InlineData(ContainerStatus.Created, ContainerTransition.Pause, "a created container cannot pause")]
    [InlineData(ContainerStatus.Removing, ContainerTransition.Start, "a removing container cannot start")]
    [InlineData(ContainerStatus.Paused, ContainerTransition.Remove, "a paused container cannot remove")]
    [InlineData(ContainerStatus.Restarting, ContainerTransition.Pause, "a restarting container cannot pause")]
    [InlineData(ContainerStatus.Dead, ContainerTransition.Start, "a dead container cannot start")]
    public void A_refusal_names_the_state_and_the_transition(ContainerStatus from, ContainerTransition via, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContainerLifecycle.Next(from, via));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData(ContainerTransition.Start, "start")]
    [InlineData(ContainerTransition.Exit, "die")]
    [InlineData(ContainerTransition.Pause, "pause")]
    [InlineData(ContainerTransition.Unpause, "unpause")]
    [InlineData(ContainerTransition.Restart, "restart")]
    [InlineData(ContainerTransition.Remove, "destroy")]
    [InlineData(ContainerTransition.RemovalFailed, "dead")]
    public void Each_transition_publishes_dockers_event_action(ContainerTransition via, string action) =>
        Assert.Equal(action, ContainerLifecycle.EventAction(via));

    [Theory]
    [InlineData(ContainerStatus.Created, false)]
    [InlineData(ContainerStatus.Running, true)]
    [InlineData(ContainerStatus.Paused, true)]
    [InlineData(ContainerStatus.Restarting, true)]
    [InlineData(ContainerStatus.Removing, false)]
    [InlineData(ContainerStatus.Exited, false)]
    [InlineData(ContainerStatus.Dead, false)]
    public void Only_running_paused_and_restarting_containers_are_active(ContainerStatus status, bool active) =>
        Assert.Equal(active, ContainerLifecycle.IsActive(status));

    [Theory]
    [InlineData(ContainerStatus.Created, "created")]
    [InlineData(ContainerStatus.Running, "running")]
    [InlineData(ContainerStatus.Paused, "paused")]
    [InlineData(ContainerStatus.Restarting, "restarting")]
    [InlineData(ContainerStatus.Removing, "removing")]
    [InlineData(ContainerStatus.Exited, "exited")]
    [InlineData(ContainerStatus.Dead, "dead")]
    public void States_are_spelled_as_the_api_spells_them(ContainerStatus status, string api) =>
        Assert.Equal(api, status.ToApi());
}
