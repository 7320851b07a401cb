using Modular.Api.Models;
using Modular.Kernel.Health;
using Xunit;

namespace Modular.Kernel.Tests.Health;

/// <summary>The health state machine, driven with explicit probe times so the start period needs no waiting.</summary>
public sealed class HealthRecorderTests
{
    private static readonly DateTimeOffset Started = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HealthSettings Settings(int retries = 3, int startPeriodSeconds = 0) => HealthSettings.Of(new HealthConfig
    {
        Test = ["CMD", "true"],
        Retries = retries,
        StartPeriod = TimeSpan.FromSeconds(startPeriodSeconds).Ticks * 100,
    }, shell: null)!;

    private static HealthProbeResult Probe(int exitCode, double secondsAfterStart) =>
        new(Started.AddSeconds(secondsAfterStart), Started.AddSeconds(secondsAfterStart + 0.1), exitCode, "");

    [Fact]
    public void SuccessMakesHealthyAndResetsTheStreak()
    {
        var state = new ContainerHealthState(HealthStatus.Starting, 2, []);
        var next = HealthRecorder.Record(state, Probe(0, 1), Started, Settings());
        Assert.Equal(HealthStatus.Healthy, next.Status);
        Assert.Equal(0, next.FailingStreak);
    }

    [Fact]
    public void FailuresTurnUnhealthyOnlyWhenTheStreakReachesTheRetries()
    {
        var settings = Settings(retries: 2);
        var state = HealthRecorder.Record(new ContainerHealthState(HealthStatus.Starting, 0, []), Probe(0, 1), Started, settings);
        state = HealthRecorder.Record(state, Probe(1, 2), Started, settings);
        Assert.Equal((HealthStatus.Healthy, 1), (state.Status, state.FailingStreak));
        state = HealthRecorder.Record(state, Probe(1, 3), Started, settings);
        Assert.Equal((HealthStatus.Unhealthy, 2), (state.Status, state.FailingStreak));
    }

    [Fact]
    public void FailuresInsideTheStartPeriodDoNotCountWhileStarting()
    {
        var settings = Settings(retries: 1, startPeriodSeconds: 10);
        var state = HealthRecorder.Record(new ContainerHealthState(HealthStatus.Starting, 0, []), Probe(1, 5), Started, settings);
        Assert.Equal((HealthStatus.Starting, 0), (state.Status, state.FailingStreak));
        state = HealthRecorder.Record(state, Probe(1, 11), Started, settings);
        Assert.Equal((HealthStatus.Unhealthy, 1), (state.Status, state.FailingStreak));
    }

    [Fact]
    public void TheLogKeepsTheLastFiveProbes()
    {
        var state = new ContainerHealthState(HealthStatus.Starting, 0, []);
        for (var i = 0; i < 7; i++)
        {
            state = HealthRecorder.Record(state, Probe(i, i), Started, Settings(retries: 100));
        }
        Assert.Equal([2, 3, 4, 5, 6], state.Log.Select(r => r.ExitCode));
    }

    [Fact]
    public void StartIntervalAppliesOnlyWhileStartingInsideTheStartPeriod()
    {
        var settings = HealthSettings.Of(new HealthConfig
        {
            Test = ["CMD-SHELL", "exit 0"],
            Interval = 2_000_000_000,
            StartPeriod = 10_000_000_000,
            StartInterval = 500_000_000,
        }, shell: null)!;
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.NextDelay(Started, Started.AddSeconds(1), HealthStatus.Starting));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.NextDelay(Started, Started.AddSeconds(1), HealthStatus.Healthy));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.NextDelay(Started, Started.AddSeconds(11), HealthStatus.Starting));
    }
}
