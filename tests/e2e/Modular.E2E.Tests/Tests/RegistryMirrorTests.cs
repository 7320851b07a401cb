using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// daemon.json <c>registry-mirrors</c> for a registry that is not Docker Hub (<c>host=URL</c>): pulls try the mirror
/// first and fall back to the registry itself when the mirror lacks the image.
/// </summary>
public sealed class RegistryMirrorTests
{
    [Fact]
    public async Task AMirrorOfAnyRegistryServesPullsAndMissingImagesFallBackToTheRegistry()
    {
        await using var upstream = await RegistryServer.StartAsync(RegistryMode.Open);
        await using var mirror = await RegistryServer.StartAsync(RegistryMode.Open);
        var daemon = new PrivateDaemon();
        await File.WriteAllTextAsync(Path.Combine(daemon.Root, "daemon.json"),
            $"{{\"registry-mirrors\": [\"{upstream.Host}=http://{mirror.Host}\"], \"max-concurrent-downloads\": 2}}\n", TestContext.Current.CancellationToken);
        try
        {
            await daemon.InitializeAsync();
            await PushAsync(daemon, $"{mirror.Host}/mirrored/only-on-mirror:v1");
            await PushAsync(daemon, $"{upstream.Host}/mirrored/only-upstream:v1");

            var fromMirror = await daemon.Docker("pull", $"{upstream.Host}/mirrored/only-on-mirror:v1");
            var fromUpstream = await daemon.Docker("pull", $"{upstream.Host}/mirrored/only-upstream:v1");
            var run = await daemon.Docker("run", "--rm", $"{upstream.Host}/mirrored/only-on-mirror:v1", "echo", "served by the mirror");

            Assert.True(fromMirror.ExitCode == 0, fromMirror + daemon.ReadLog());
            Assert.Contains($"Status: Downloaded newer image for {upstream.Host}/mirrored/only-on-mirror:v1", fromMirror.Stdout);
            Assert.True(fromUpstream.ExitCode == 0, fromUpstream + daemon.ReadLog());
            Assert.Equal("served by the mirror\n", run.Stdout);
            Assert.Contains("/v2/mirrored/only-on-mirror/manifests/v1", mirror.ReadLog());
            Assert.DoesNotContain("/v2/mirrored/only-on-mirror/manifests/v1", upstream.ReadLog());
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    private static async Task PushAsync(PrivateDaemon daemon, string image)
    {
        Assert.True((await daemon.Docker("tag", "busybox", image)).ExitCode == 0);
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True((await daemon.Docker("rmi", image)).ExitCode == 0);
    }
}
