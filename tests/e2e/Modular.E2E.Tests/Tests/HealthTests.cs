using System.Net;
using System.Text;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Health checks through the real docker CLI: probes run in real containers, with short intervals to stay fast.</summary>
[Collection(DaemonCollection.Name)]
public sealed class HealthTests(PrivateDaemon daemon)
{
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PassingCheckMakesTheContainerHealthyInInspectPsAndFilters()
    {
        var name = Names.Unique("healthy");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--health-cmd", "echo probing", "--health-interval", "200ms",
                "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());

            Assert.Equal("healthy", await WaitForHealthAsync(name, "healthy"));
            var log = await daemon.Docker("inspect", "--format",
                "{{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}", name);
            Assert.Equal("0 0 probing\n\n", log.Stdout);

            var ps = await daemon.Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}");
            Assert.Matches(@"^Up .* \(healthy\)\n$", ps.Stdout);
            var healthy = await daemon.Docker("ps", "--filter", "health=healthy", "--format", "{{.Names}}");
            Assert.Contains(name, healthy.Stdout.Split('\n'));
            var unhealthy = await daemon.Docker("ps", "--filter", "health=unhealthy", "--format", "{{.Names}}");
            Assert.DoesNotContain(name, unhealthy.Stdout.Split('\n'));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task CheckThatStartsFailingTurnsUnhealthyAfterRetriesWithEvents()
    {
        var name = Names.Unique("unhealthy");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms",
                "--health-retries", "2", "busybox", "sh", "-c", "touch /tmp/ok; exec sleep 300");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("healthy", await WaitForHealthAsync(name, "healthy"));

            var remove = await daemon.Docker("exec", name, "rm", "/tmp/ok");
            Assert.True(remove.ExitCode == 0, remove.ToString());
            Assert.Equal("unhealthy", await WaitForHealthAsync(name, "unhealthy"));
            var streak = await daemon.Docker("inspect", "--format", "{{.State.Health.FailingStreak}}", name);
            Assert.True(int.Parse(streak.Stdout.Trim()) >= 2, streak.ToString());
            var ps = await daemon.Docker("ps", "--filter", "health=unhealthy", "--format", "{{.Names}} {{.Status}}");
            Assert.Contains(ps.Stdout.Split('\n'), line => line.StartsWith(name + " Up", StringComparison.Ordinal) && line.EndsWith("(unhealthy)", StringComparison.Ordinal));

            var events = await daemon.Docker("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
                "--filter", $"container={name}", "--format", "{{.Action}}");
            var actions = events.Stdout.Split('\n');
            Assert.Contains("exec_start: /bin/sh -c test -f /tmp/ok", actions);
            Assert.Contains("health_status: healthy", actions);
            Assert.Contains("health_status: unhealthy", actions);
            Assert.True(Array.IndexOf(actions, "health_status: healthy") < Array.IndexOf(actions, "health_status: unhealthy"), events.Stdout);

            var stop = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(30), "stop", "-t", "1", name);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var stopped = await daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", name);
            Assert.Equal("exited unhealthy\n", stopped.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task TimeoutKillsTheProbeAndCountsAsAFailure()
    {
        var name = Names.Unique("health-timeout");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--health-cmd", "sleep 29", "--health-interval", "200ms",
                "--health-timeout", "300ms", "--health-retries", "1", "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());

            Assert.Equal("unhealthy", await WaitForHealthAsync(name, "unhealthy"));
            var log = await daemon.Docker("inspect", "--format", "{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}", name);
            Assert.Equal("-1 Health check exceeded timeout (300ms)\n", log.Stdout);
            // Timed-out probes are killed: at most the one in flight runs, where unkilled ones would pile up.
            var top = await daemon.Docker("top", name);
            Assert.True(top.Stdout.Split('\n').Count(line => line.EndsWith("sleep 29", StringComparison.Ordinal)) <= 1, top.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ImageHealthcheckRunsAndNoHealthcheckDisablesIt()
    {
        await using var build = new BuildSession(daemon);
        var tag = build.Tag("health");
        var context = build.Context(("Dockerfile", "FROM busybox\nHEALTHCHECK --interval=200ms --retries=1 CMD [\"true\"]\n"));
        var built = await build.Build("-t", tag, context);
        Assert.True(built.ExitCode == 0, built.ToString());

        var withCheck = Names.Unique("image-health");
        var without = Names.Unique("no-health");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", withCheck, tag, "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("healthy", await WaitForHealthAsync(withCheck, "healthy"));

            var disabled = await daemon.Docker("run", "-d", "--name", without, "--no-healthcheck", tag, "sleep", "300");
            Assert.True(disabled.ExitCode == 0, disabled.ToString());
            await Task.Delay(600, TestContext.Current.CancellationToken);
            var inspect = await daemon.Docker("inspect", "--format",
                "{{if .State.Health}}{{.State.Health.Status}}{{else}}no health{{end}} {{json .Config.Healthcheck.Test}}", without);
            Assert.Equal("no health [\"NONE\"]\n", inspect.Stdout);
            var none = await daemon.Docker("ps", "--filter", "health=none", "--format", "{{.Names}} {{.Status}}");
            Assert.Contains(none.Stdout.Split('\n'), line => line.StartsWith(without + " Up", StringComparison.Ordinal) && !line.Contains('('));
        }
        finally
        {
            await daemon.Docker("rm", "-f", withCheck, without);
        }
    }

    [Fact]
    public async Task DurationsBelowTheMinimumAreRefusedWithDockersMessages()
    {
        var cli = await daemon.Docker("create", "--health-cmd", "true", "--health-interval", "500us", "busybox");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("Error response from daemon: Interval in Healthcheck cannot be less than 1ms", cli.Stderr);

        using var http = UnixSocketHttp.Create(daemon.SocketPath);
        foreach (var (field, value, message) in new[]
        {
            ("Interval", "-10000000", "Interval in Healthcheck cannot be less than 1ms"),
            ("Timeout", "500000", "Timeout in Healthcheck cannot be less than 1ms"),
            ("Retries", "-1", "Retries in Healthcheck cannot be negative"),
            ("StartPeriod", "1", "StartPeriod in Healthcheck cannot be less than 1ms"),
        })
        {
            var body = "{\"Image\":\"busybox\",\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"" + field + "\":" + value + "}}";
            using var response = await http.PostAsync("http://localhost/containers/create", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var filter = await daemon.Docker("ps", "--filter", "health=sick");
        Assert.NotEqual(0, filter.ExitCode);
        Assert.Contains("Unrecognised filter value for health: sick", filter.Stderr);
    }

    private async Task<string> WaitForHealthAsync(string name, string wanted)
    {
        var deadline = DateTimeOffset.UtcNow + StatusDeadline;
        var status = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            var inspect = await daemon.Docker("inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", name);
            status = inspect.Stdout.Trim();
            if (status == wanted)
            {
                break;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        return status;
    }
}
