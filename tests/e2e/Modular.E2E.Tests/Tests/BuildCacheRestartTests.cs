using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The step cache is kept under data-root: a restarted daemon reuses every step of an unchanged build.</summary>
public sealed class BuildCacheRestartTests : OwnDaemonBuildTest
{
    [Fact]
    public async Task CacheSurvivesADaemonRestart()
    {
        var session = Session;
        var context = session.Context(
            ("Dockerfile", "FROM busybox\nARG V=1\nCOPY app.txt /app.txt\nRUN cat /app.txt > /copy\nCMD [\"cat\", \"/copy\"]\n"),
            ("app.txt", "app\n"));
        var tag = session.Tag("restart");

        var first = await session.Build("-t", tag, context);
        await Daemon.StopAsync();
        await Daemon.StartAsync();
        var second = await session.Build("-t", tag, context);
        var withArg = await session.Build("--build-arg", "V=2", "-t", tag, context);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(4, second.Stdout.Split(" ---> Using cache\n").Length - 1);
        // The ARG and COPY steps do not depend on the value; the RUN step's history text does.
        Assert.True(withArg.ExitCode == 0, withArg.ToString());
        var steps = withArg.Stdout.Split("Step ");
        Assert.Contains("Using cache", steps[3]);
        Assert.DoesNotContain("Using cache", steps[4]);
    }
}
