using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A base image on a registry that wants a login: the docker CLI sends its logins in X-Registry-Config and the
/// builder pulls FROM with the one of the image's registry; without a login the pull is refused.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class BuildRegistryAuthTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly BuildSession _session = new(daemon);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task BaseImageIsPulledWithTheLoginOfItsRegistry()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.BasicAuth);
        var baseImage = $"{registry.Host}/e2e/build-base:v1";
        var login = await _session.Classic(RegistryServer.Password + "\n", "login", "-u", RegistryServer.User, "--password-stdin", registry.Host);
        Assert.True(login.ExitCode == 0, login + registry.ReadLog());
        Assert.True((await daemon.Docker("tag", "busybox", baseImage)).ExitCode == 0);
        var push = await _session.Classic(null, "push", baseImage);
        Assert.True(push.ExitCode == 0, push.ToString());
        await daemon.Docker("rmi", baseImage);
        var context = _session.Context(("Dockerfile", $"FROM {baseImage}\nLABEL from=registry\n"));
        var tag = _session.Tag("registry-auth");

        var withLogin = await _session.Build("-t", tag, context);
        await daemon.Docker("rmi", "-f", tag, baseImage);
        await _session.Classic(null, "logout", registry.Host);
        var withoutLogin = await _session.Build("-t", tag, context);
        await daemon.Docker("rmi", "-f", baseImage);

        Assert.True(withLogin.ExitCode == 0, withLogin + registry.ReadLog());
        Assert.Contains($"Step 1/2 : FROM {baseImage}", withLogin.Stdout);
        Assert.Contains("Status: Downloaded newer image", withLogin.Stdout);
        Assert.NotEqual(0, withoutLogin.ExitCode);
        Assert.Matches("(?i)unauthorized|no basic auth credentials|authentication required", withoutLogin.ToString());
    }
}
