using System.Text.RegularExpressions;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Images go both ways between modulard and a real dockerd through a registry, and run on the other side.</summary>
[Collection(DaemonCollection.Name)]
public sealed partial class RegistryInteropTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task AnImagePushedByModularRunsInDockerdAndOnePushedByDockerdRunsInModular()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        await using var dockerd = await RegistryPeerDockerd.StartAsync();
        await dockerd.ImportBusyboxAsync();
        var fromModular = $"{registry.Host}/interop/from-modular:v1";
        var fromDockerd = $"{registry.Host}/interop/from-dockerd:v1";

        Assert.True((await daemon.Docker("tag", "busybox", fromModular)).ExitCode == 0);
        var modularPush = await daemon.Docker("push", fromModular);
        var dockerdPull = await dockerd.Docker("pull", fromModular);
        var dockerdRun = await dockerd.Docker("run", "--rm", "--network", "none", fromModular, "echo", "modular image in dockerd");

        Assert.True((await dockerd.Docker("tag", "busybox", fromDockerd)).ExitCode == 0);
        var dockerdPush = await dockerd.Docker("push", fromDockerd);
        var modularPull = await daemon.Docker("pull", fromDockerd);
        var modularRun = await daemon.Docker("run", "--rm", fromDockerd, "echo", "dockerd image in modular");
        var modularDigests = await daemon.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", fromDockerd);
        await daemon.Docker("rmi", fromModular, fromDockerd);

        Assert.True(modularPush.ExitCode == 0, modularPush.ToString());
        Assert.True(dockerdPull.ExitCode == 0, dockerdPull.ToString());
        Assert.Equal("modular image in dockerd\n", dockerdRun.Stdout);
        Assert.True(dockerdPush.ExitCode == 0, dockerdPush.ToString());
        Assert.True(modularPull.ExitCode == 0, modularPull + daemon.ReadLog());
        Assert.Equal("dockerd image in modular\n", modularRun.Stdout);
        // The digest modulard records is the one dockerd printed for its push.
        var pushed = PushedDigest().Match(dockerdPush.Stdout);
        Assert.True(pushed.Success, dockerdPush.ToString());
        Assert.Contains($"{registry.Host}/interop/from-dockerd@{pushed.Groups[1].Value}", modularDigests.Stdout);
    }

    [GeneratedRegex(@": digest: (sha256:[0-9a-f]{64}) size: \d+")]
    private static partial Regex PushedDigest();
}
