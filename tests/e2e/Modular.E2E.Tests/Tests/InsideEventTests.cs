using System.Net;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>`docker events` follows a container's life in order; filters it does not know are refused.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideEventTests(PrivateDaemon daemon)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsFollowARunRmContainerFromCreateToDestroy()
    {
        var name = Names.Unique("events");
        try
        {
            // --until ends the stream by itself a few seconds ahead, after the run below has finished; --since (now)
            // only guards against the CLI connecting later than the pause below allows for.
            var now = DateTimeOffset.UtcNow;
            var events = daemon.DockerWithTimeout(TimeSpan.FromSeconds(30), "events", "--filter", "container=" + name,
                "--since", now.ToUnixTimeSeconds().ToString(), "--until", now.AddSeconds(8).ToUnixTimeSeconds().ToString(),
                "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}");
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

            var run = await daemon.Docker("run", "--rm", "--name", name, "busybox", "true");
            Assert.True(run.ExitCode == 0, run.ToString());
            var streamed = await events;

            Assert.True(streamed.ExitCode == 0 && !streamed.TimedOut, streamed.ToString());
            var actions = streamed.Stdout.TrimEnd('\n').Split('\n').ToList();
            Assert.All(actions, line => Assert.Matches($"^container [a-z]+ {name}$", line));
            var order = actions.Select(line => line.Split(' ')[1]).ToList();
            string[] lifecycle = ["create", "start", "die", "destroy"];
            Assert.All(lifecycle, action => Assert.Contains(action, order));
            var positions = lifecycle.Select(action => order.IndexOf(action)).ToList();
            Assert.True(positions.SequenceEqual(positions.Order()), streamed.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task AnUnknownFilterKeyIsBadRequest()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var filters = Uri.EscapeDataString("""{"bogus":{"1":true}}""");

        using var response = await daemon.Api.GetAsync($"events?until={now}&filters={filters}", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        var message = InsideDocker.ErrorMessage(await response.Content.ReadAsStringAsync(Cancellation));
        var cli = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(15), "events", "--until", now.ToString(), "--filter", "bogus=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bogus", message);
        Assert.True(cli.ExitCode != 0 && !cli.TimedOut, cli.ToString());
        Assert.Contains("bogus", cli.Stderr);
    }
}
