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

        // The registry's one port speaks TLS only: a plain-http request is refused there, so the push and pull above
        // cannot have fallen back to plain http.
        using var plain = new HttpClient();
        using var plainAnswer = await plain.GetAsync($"http://{registry.Host}/v2/", TestContext.Current.CancellationToken);
        var plainBody = await plainAnswer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(pull.ExitCode == 0, pull + registry.ReadLog());
        Assert.Contains(", tls", registry.ReadLog());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, plainAnswer.StatusCode);
        Assert.Contains("Client sent an HTTP request to an HTTPS server", plainBody);
        Assert.DoesNotContain("Client sent an HTTP request", pull.Stdout + pull.Stderr);
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

    [Fact]
    public async Task UploadsAnswered503AreRetriedAndOnesThatKeepFailingEndWithAClearError()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        using var proxy = new RegistryFaultProxy(registry);
        var cut = $"{proxy.Host}/e2e/flaky-push:cut";
        var refused = $"{proxy.Host}/e2e/flaky-push:refused";
        var doomed = $"{proxy.Host}/e2e/flaky-push:doomed";
        // Random text: layers of about 100 KiB once compressed, more than the 4 KiB above which the proxy takes a body for a layer.
        foreach (var image in new[] { cut, refused, doomed })
        {
            await ImportUniqueImageAsync(image, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(96 * 1024)));
        }

        proxy.BreakNextUploads(1);
        var cutOff = await daemon.Docker("push", cut);
        var cutOffBreaks = proxy.BrokenUploads;
        proxy.BreakNextUploads(2);
        var answered503 = await daemon.Docker("push", refused);
        var refusedBreaks = proxy.BrokenUploads - cutOffBreaks;
        proxy.BreakNextUploads(100);
        var failed = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "push", doomed);
        proxy.BreakNextUploads(0);
        foreach (var image in new[] { cut, refused, doomed })
        {
            await RemoveAsync(image);
        }
        var pulledCut = await daemon.Docker("pull", cut);
        var pulledRefused = await daemon.Docker("pull", refused);
        var missing = await daemon.Docker("pull", doomed);
        await daemon.Docker("rmi", cut, refused);

        Assert.True(cutOff.ExitCode == 0, cutOff + daemon.ReadLog());
        Assert.Contains("Retrying in 1 second", cutOff.Stdout);
        Assert.Equal(1, cutOffBreaks);
        Assert.True(answered503.ExitCode == 0, answered503 + daemon.ReadLog());
        Assert.Contains("Retrying in 2 seconds", answered503.Stdout);
        Assert.Equal(2, refusedBreaks);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("failed to upload layer sha256:", failed.Stderr);
        Assert.Contains("after 5 attempts", failed.Stderr);
        // What the registry holds after the retries is whole: the pushed images pull (every blob verified), the failed one is absent.
        Assert.True(pulledCut.ExitCode == 0, pulledCut + registry.ReadLog());
        Assert.True(pulledRefused.ExitCode == 0, pulledRefused + registry.ReadLog());
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public async Task ManifestFetchesAnswered503AreRetried()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        using var proxy = new RegistryFaultProxy(registry);
        var image = $"{proxy.Host}/e2e/flaky-manifest:v1";
        await ImportUniqueImageAsync(image, "a manifest fetched on the third attempt");
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
        await RemoveAsync(image);

        proxy.BreakNextManifestFetches(2);
        var pull = await daemon.Docker("pull", image);
        var broken = proxy.BrokenManifestFetches;
        await RemoveAsync(image);
        proxy.BreakNextManifestFetches(100);
        var failed = await daemon.DockerWithTimeout(TimeSpan.FromMinutes(2), "pull", image);
        proxy.BreakNextManifestFetches(0);

        Assert.True(pull.ExitCode == 0, pull + daemon.ReadLog());
        Assert.Equal(2, broken);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains($"failed to fetch the manifest of {image} after 5 attempts", failed.Stderr);
    }

    [Fact]
    public async Task BlobsKeptFromAPullGoAwayWithTheImage()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var image = $"{registry.Host}/e2e/kept:v1";
        await ImportUniqueImageAsync(image, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64 * 1024)));
        var push = await daemon.Docker("push", image);
        Assert.True(push.ExitCode == 0, push.ToString());
        await RemoveAsync(image);
        var before = KeptBlobs();

        var pull = await daemon.Docker("pull", image);
        var afterPull = KeptBlobs();
        var remove = await daemon.Docker("rmi", image);
        var afterRemove = KeptBlobs();

        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.True(remove.ExitCode == 0, remove.ToString());
        // The pulled layer's compressed blob is kept for a re-push while the image is there, and removed with it.
        Assert.Single(afterPull.Except(before));
        Assert.Equal(before.Order(), afterRemove.Order());
    }

    private string[] KeptBlobs() =>
        Directory.EnumerateDirectories(daemon.DataRoot, "distribution", SearchOption.AllDirectories)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(path => !path.EndsWith(".json", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task PullAllTagsBringsEveryTagOfTheRepository()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var repository = $"{registry.Host}/e2e/every-tag";
        var one = await ImportUniqueImageAsync($"{repository}:one", "tag one");
        var two = await ImportUniqueImageAsync($"{repository}:two", "tag two");
        var push = await daemon.Docker("push", "--all-tags", repository);
        await RemoveAsync($"{repository}:one");
        await RemoveAsync($"{repository}:two");

        var pull = await daemon.Docker("pull", "--all-tags", repository);
        var images = await daemon.Docker("images", "--no-trunc", "--format", "{{.Tag}} {{.ID}}", repository);
        await daemon.Docker("rmi", $"{repository}:one", $"{repository}:two");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True(pull.ExitCode == 0, pull + daemon.ReadLog());
        Assert.Contains($"one: Pulling from e2e/every-tag", pull.Stdout);
        Assert.Contains($"two: Pulling from e2e/every-tag", pull.Stdout);
        Assert.Equal([$"one {one}", $"two {two}"], images.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task DistributionInspectAnswersTheManifestDescriptorAndPlatforms()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var image = $"{registry.Host}/e2e/inspected:v1";
        var digest = await PushBusyboxAsync(image);
        var push = await daemon.Docker("push", image);
        var size = Regex.Match(push.Stdout, @"size: (\d+)").Groups[1].Value;
        await RemoveAsync(image);
        using var http = UnixSocketHttp.Create(daemon.SocketPath);

        using var found = await http.GetAsync($"/v1.43/distribution/{image}/json", TestContext.Current.CancellationToken);
        var body = await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var missing = await http.GetAsync($"/v1.43/distribution/{registry.Host}/e2e/inspected:absent/json", TestContext.Current.CancellationToken);
        var missingBody = await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(found.IsSuccessStatusCode, body);
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var descriptor = document.RootElement.GetProperty("Descriptor");
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", descriptor.GetProperty("mediaType").GetString());
        Assert.Equal(digest, descriptor.GetProperty("digest").GetString());
        Assert.Equal(long.Parse(size), descriptor.GetProperty("size").GetInt64());
        var platform = Assert.Single(document.RootElement.GetProperty("Platforms").EnumerateArray());
        Assert.Equal("linux", platform.GetProperty("os").GetString());
        Assert.Equal("amd64", platform.GetProperty("architecture").GetString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("not found", missingBody);
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
