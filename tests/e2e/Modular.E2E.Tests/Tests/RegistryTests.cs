using System.Text.RegularExpressions;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// The docker CLI pushing to and pulling from Debian's docker-registry through modulard: open, with htpasswd basic
/// auth, behind TLS with a self-signed certificate, and with bearer tokens from a token server; a blob whose bytes do
/// not match its digest must fail the pull and leave the previous tag alone.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed partial class RegistryTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task PushRemovePullAndRunThroughAnOpenRegistry()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var image = $"{registry.Host}/e2e/busybox:open";

        var digest = await PushBusyboxAsync(image);
        await RemoveAsync(image);
        var pull = await daemon.Docker("pull", image);
        var digests = await daemon.Docker("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}", $"{registry.Host}/e2e/busybox");
        var run = await daemon.Docker("run", "--rm", image, "echo", "pulled and running");
        var again = await daemon.Docker("pull", image);
        await RemoveAsync(image);

        Assert.True(pull.ExitCode == 0, pull + registry.ReadLog());
        // busybox:latest still holds the same layer, so it is reused rather than downloaded again.
        Assert.Contains(": Already exists", pull.Stdout);
        Assert.Contains($"Digest: {digest}", pull.Stdout);
        Assert.Contains($"Status: Downloaded newer image for {image}", pull.Stdout);
        Assert.Contains($"{registry.Host}/e2e/busybox open {digest}", digests.Stdout);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("pulled and running\n", run.Stdout);
        Assert.Contains($"Status: Image is up to date for {image}", again.Stdout);
    }

    [Fact]
    public async Task PullByDigestAndAPushedLayerIsSkippedOrMountedTheSecondTime()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var first = $"{registry.Host}/e2e/first:v1";
        var second = $"{registry.Host}/e2e/second:v1";

        var digest = await PushBusyboxAsync(first);
        var again = await daemon.Docker("push", first);
        Assert.True((await daemon.Docker("tag", "busybox", second)).ExitCode == 0);
        var mounted = await daemon.Docker("push", second);
        await RemoveAsync(first);
        await RemoveAsync(second);
        var byDigest = await daemon.Docker("pull", $"{registry.Host}/e2e/first@{digest}");
        var inspect = await daemon.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", $"{registry.Host}/e2e/first@{digest}");
        await RemoveAsync($"{registry.Host}/e2e/first@{digest}");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Layer already exists", again.Stdout);
        Assert.True(mounted.ExitCode == 0, mounted.ToString());
        Assert.Contains("Mounted from e2e/first", mounted.Stdout);
        Assert.True(byDigest.ExitCode == 0, byDigest.ToString());
        Assert.Contains($"{registry.Host}/e2e/first@{digest}", inspect.Stdout);
    }

    [Fact]
    public async Task BasicAuthRegistryRefusesAnonymousPushAndAcceptsLogin()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.BasicAuth);
        var image = $"{registry.Host}/e2e/private:basic";
        Assert.True((await daemon.Docker("tag", "busybox", image)).ExitCode == 0);

        var anonymous = await daemon.Docker("push", image);
        var badLogin = await daemon.DockerWithInput("wrong-password\n", "login", "-u", RegistryServer.User, "--password-stdin", registry.Host);
        var login = await daemon.DockerWithInput(RegistryServer.Password + "\n", "login", "-u", RegistryServer.User, "--password-stdin", registry.Host);
        var push = await daemon.Docker("push", image);
        await RemoveAsync(image);
        var pull = await daemon.Docker("pull", image);
        await RemoveAsync(image);
        await daemon.Docker("logout", registry.Host);

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.NotEqual(0, badLogin.ExitCode);
        Assert.True(login.ExitCode == 0, login + registry.ReadLog());
        Assert.Contains("Login Succeeded", login.Stdout);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    [Fact]
    public async Task TheModularCliLogsInPushesAndPullsWithTheDockerConfigFile()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.BasicAuth);
        var config = Path.Combine(daemon.Root, "modular-cli-config-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string?> { ["MODULAR_HOST"] = daemon.Host, ["DOCKER_CONFIG"] = config };
        Task<CommandResult> Modular(string? input, params string[] arguments) =>
            CommandRunner.RunAsync(RepoLayout.Cli, arguments, environment, input);
        var image = $"{registry.Host}/e2e/modular-cli:v1";
        Assert.True((await Modular(null, "tag", "busybox", image)).ExitCode == 0);

        var anonymous = await Modular(null, "push", image);
        var login = await Modular(RegistryServer.Password + "\n", "login", "-u", RegistryServer.User, "--password-stdin", registry.Host);
        var stored = await File.ReadAllTextAsync(Path.Combine(config, "config.json"), TestContext.Current.CancellationToken);
        var push = await Modular(null, "push", image);
        Assert.True((await Modular(null, "rmi", image)).ExitCode == 0);
        var pull = await Modular(null, "pull", image);
        var logout = await Modular(null, "logout", registry.Host);
        Assert.True((await Modular(null, "rmi", image)).ExitCode == 0);
        Directory.Delete(config, recursive: true);

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("authentication required", anonymous.Stderr);
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal("Login Succeeded\n", login.Stdout);
        Assert.Contains(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{RegistryServer.User}:{RegistryServer.Password}")), stored);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Matches(@"v1: digest: sha256:[0-9a-f]{64} size: \d+", push.Stdout);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains($"Status: Downloaded newer image for {image}", pull.Stdout);
        Assert.Equal($"Removing login credentials for {registry.Host}\n", logout.Stdout);
    }

    [Fact]
    public async Task SelfSignedTlsRegistryIsUsedAsAnInsecureRegistry()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Tls);
        var image = $"{registry.Host}/e2e/tls:v1";

        await PushBusyboxAsync(image);
        await RemoveAsync(image);
        var pull = await daemon.Docker("pull", image);
        await RemoveAsync(image);

        Assert.True(pull.ExitCode == 0, pull + registry.ReadLog());
        Assert.Contains(", tls", registry.ReadLog());
    }

    [Fact]
    public async Task TokenAuthRegistryGetsBearerTokensForTheRepositoryScope()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Token);
        var image = $"{registry.Host}/e2e/token:v1";
        Assert.True((await daemon.Docker("tag", "busybox", image)).ExitCode == 0);

        var anonymous = await daemon.Docker("push", image);
        var login = await daemon.DockerWithInput(RegistryServer.Password + "\n", "login", "-u", RegistryServer.User, "--password-stdin", registry.Host);
        var push = await daemon.Docker("push", image);
        await RemoveAsync(image);
        var pull = await daemon.Docker("pull", image);
        await RemoveAsync(image);
        await daemon.Docker("logout", registry.Host);

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.True(login.ExitCode == 0, login + registry.ReadLog());
        Assert.True(push.ExitCode == 0, push + registry.ReadLog());
        Assert.True(pull.ExitCode == 0, pull + registry.ReadLog());
        Assert.Contains("repository:e2e/token:pull,push", registry.Tokens!.RequestedScopes);
        Assert.Contains("repository:e2e/token:pull", registry.Tokens.RequestedScopes);
    }

    [Fact]
    public async Task ABlobThatDoesNotMatchItsDigestFailsThePullAndKeepsThePreviousTag()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var image = $"{registry.Host}/e2e/corrupt:latest";
        // An image of its own: a layer the daemon already has would not be downloaded at all.
        await ImportUniqueImageAsync(image, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(96 * 1024)));
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
        await RemoveAsync(image);
        // The layer is the largest blob of this fresh registry: damage one byte in the middle of it.
        var blob = Directory.EnumerateFiles(Path.Combine(registry.StorageFolder, "docker", "registry", "v2", "blobs"), "data", SearchOption.AllDirectories)
            .OrderByDescending(path => new FileInfo(path).Length).First();
        await using (var file = File.Open(blob, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var value = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)(value ^ 0xff));
        }
        var previous = await ImportUniqueImageAsync(image, "the previous image");
        var imagesBefore = await daemon.Docker("images", "-a", "-q", "--no-trunc");

        var pull = await daemon.Docker("pull", image);
        var after = await daemon.Docker("image", "inspect", "--format", "{{.Id}}", image);
        var imagesAfter = await daemon.Docker("images", "-a", "-q", "--no-trunc");
        var leftovers = Directory.EnumerateFiles(daemon.DataRoot, "pull-*", SearchOption.AllDirectories).ToArray();
        await RemoveAsync(image);

        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains("filesystem layer verification failed for digest", pull.Stdout + pull.Stderr);
        Assert.Equal(previous + "\n", after.Stdout);
        Assert.Equal(imagesBefore.Stdout, imagesAfter.Stdout);
        Assert.Empty(leftovers);
    }

    [Fact]
    public async Task AnUnknownTagIsAClearNotFound()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        await PushBusyboxAsync($"{registry.Host}/e2e/known:v1");
        await RemoveAsync($"{registry.Host}/e2e/known:v1");

        var pull = await daemon.Docker("pull", $"{registry.Host}/e2e/known:missing");

        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains($"manifest for {registry.Host}/e2e/known:missing not found", pull.Stderr);
    }

    [Fact]
    public async Task ADownloadCutOffMidBlobIsResumedAndOneThatKeepsFailingEndsWithAClearError()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        using var proxy = new RegistryFaultProxy(registry);
        var image = $"{proxy.Host}/e2e/flaky:v1";
        // Random text: a layer that stays tens of KiB once compressed, so the proxy sees it as a layer.
        await ImportUniqueImageAsync(image, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(96 * 1024)));
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
        await RemoveAsync(image);

        proxy.BreakNextBlobDownloads(2, serviceUnavailable: false);
        var resumed = await daemon.Docker("pull", image);
        await RemoveAsync(image);
        proxy.BreakNextBlobDownloads(100, serviceUnavailable: true);
        var failed = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "pull", image);
        var images = await daemon.Docker("images", "-q", image);

        Assert.True(resumed.ExitCode == 0, resumed + daemon.ReadLog());
        Assert.Contains("Pull complete", resumed.Stdout);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("after 5 attempts", failed.Stdout + failed.Stderr);
        Assert.Equal("", images.Stdout);
    }

    private async Task<string> PushBusyboxAsync(string image)
    {
        var tag = await daemon.Docker("tag", "busybox", image);
        Assert.True(tag.ExitCode == 0, tag.ToString());
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push + "\n" + daemon.ReadLog());
        Assert.Contains("The push refers to repository", push.Stdout);
        var match = PushedDigest().Match(push.Stdout);
        Assert.True(match.Success, push.ToString());
        return match.Groups[1].Value;
    }

    private async Task<string> ImportUniqueImageAsync(string reference, string content)
    {
        var folder = Path.Combine(daemon.Root, "marker-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(folder, "rootfs"));
        await File.WriteAllTextAsync(Path.Combine(folder, "rootfs", "marker"), $"{content} {Guid.NewGuid()}\n");
        var tar = Path.Combine(folder, "marker.tar");
        var pack = await CommandRunner.RunAsync("tar", ["-C", Path.Combine(folder, "rootfs"), "-cf", tar, "marker"]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var import = await daemon.Docker("import", tar, reference);
        Directory.Delete(folder, recursive: true);
        Assert.True(import.ExitCode == 0, import.ToString());
        return import.Stdout.Trim();
    }

    private async Task RemoveAsync(string image)
    {
        var remove = await daemon.Docker("rmi", image);
        Assert.True(remove.ExitCode == 0, remove.ToString());
    }

    [GeneratedRegex(@": digest: (sha256:[0-9a-f]{64}) size: \d+")]
    private static partial Regex PushedDigest();
}
