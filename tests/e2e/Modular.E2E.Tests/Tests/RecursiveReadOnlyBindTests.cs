using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Read-only binds of a folder with a mount inside (a tmpfs here), as Docker 25+ treats them: read-only all the way
/// down by default ("rro": kernel 5.12+ and runc 1.1 here), only the top with bind-recursive=writable, and
/// bind-recursive=readonly refused where the runtime cannot do it.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RecursiveReadOnlyBindTests(PrivateDaemon daemon)
{
    private const string WriteBoth = "touch /h/sub/new && echo sub-written; touch /h/top 2>/dev/null && echo top-written; true";

    [Fact]
    public async Task AReadOnlyBindIsReadOnlyInItsSubmountsToo()
    {
        await WithSubmountAsync(async host =>
        {
            var mount = await daemon.Docker("run", "--rm", "--mount", $"type=bind,src={host},dst=/h,readonly", "busybox", "sh", "-c", WriteBoth);
            var volumeSyntax = await daemon.Docker("run", "--rm", "-v", $"{host}:/h:ro", "busybox", "sh", "-c", WriteBoth);
            var forced = await daemon.Docker("run", "--rm", "--mount", $"type=bind,src={host},dst=/h,readonly,bind-recursive=readonly,bind-propagation=rprivate", "busybox", "sh", "-c", WriteBoth);

            foreach (var run in new[] { mount, volumeSyntax, forced })
            {
                Assert.True(run.ExitCode == 0, run.ToString());
                Assert.Equal("", run.Stdout);
                Assert.Contains("Read-only file system", run.Stderr);
            }
            Assert.False(File.Exists(Path.Combine(host, "sub", "new")));
        });
    }

    [Fact]
    public async Task BindRecursiveWritableLeavesTheSubmountsWritable()
    {
        await WithSubmountAsync(async host =>
        {
            var run = await daemon.Docker("run", "--rm", "--mount", $"type=bind,src={host},dst=/h,readonly,bind-recursive=writable", "busybox", "sh", "-c", WriteBoth);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("sub-written\n", run.Stdout);
            Assert.True(File.Exists(Path.Combine(host, "sub", "new")));
            Assert.False(File.Exists(Path.Combine(host, "top")));
        });
    }

    [Fact]
    public async Task BindRecursiveReadonlyFailsWhereTheRuntimeCannotMountRro()
    {
        var host = HostFolder("rro-crun");
        // crun 1.8 has no `features` command: dockerd cannot tell that it supports rro and refuses the forced form.
        var forced = await daemon.Docker("run", "--rm", "--runtime", "crun", "--mount", $"type=bind,src={host},dst=/h,readonly,bind-recursive=readonly,bind-propagation=rprivate", "busybox", "true");

        Assert.NotEqual(0, forced.ExitCode);
        Assert.Contains("rro is not supported by runtime \"crun\": OCI features struct is not available", forced.Stderr);
    }

    [Fact]
    public async Task ConflictingRecursionOptionsFailTheStartInDockerdsWords()
    {
        var host = HostFolder("rro-conflict");
        var writableTop = await CreateAsync(new { Type = "bind", Source = host, Target = "/h", BindOptions = new { ReadOnlyNonRecursive = true } });
        var both = await CreateAsync(new { Type = "bind", Source = host, Target = "/h", ReadOnly = true, BindOptions = new { ReadOnlyNonRecursive = true, ReadOnlyForceRecursive = true } });
        try
        {
            var startWritable = await daemon.Docker("start", writableTop);
            var startBoth = await daemon.Docker("start", both);

            Assert.NotEqual(0, startWritable.ExitCode);
            Assert.Contains("mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive", startWritable.Stderr);
            Assert.NotEqual(0, startBoth.ExitCode);
            Assert.Contains("mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive", startBoth.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", writableTop, both);
        }
    }

    [Fact]
    public async Task ClientsBeforeApi144KeepTheSubmountsOfReadOnlyBindsWritable()
    {
        await WithSubmountAsync(async host =>
        {
            var mount = await CreateAsync(new { Type = "bind", Source = host, Target = "/h", ReadOnly = true }, "v1.43/", WriteBoth);
            var volumeSyntax = await CreateAsync(binds: [$"{host}:/h:ro"], apiPrefix: "v1.43/", command: WriteBoth);
            var (forcedStatus, forcedBody) = await PostCreateAsync(
                new { Type = "bind", Source = host, Target = "/h", ReadOnly = true, BindOptions = new { ReadOnlyForceRecursive = true } }, null, "v1.43/", "true");
            try
            {
                var viaMount = await daemon.Docker("start", "-a", mount);
                var viaBinds = await daemon.Docker("start", "-a", volumeSyntax);

                Assert.Equal("sub-written\n", viaMount.Stdout);
                Assert.Equal("sub-written\n", viaBinds.Stdout);
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, forcedStatus);
                Assert.Contains("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer", forcedBody);
            }
            finally
            {
                await daemon.Docker("rm", "-f", mount, volumeSyntax);
            }
        });
    }

    // Through the API: the CLI itself refuses these combinations before they reach a daemon.
    private async Task<string> CreateAsync(object? mount = null, string apiPrefix = "", string command = "true", string[]? binds = null)
    {
        var (status, body) = await PostCreateAsync(mount, binds, apiPrefix, command);
        Assert.True((int)status is >= 200 and < 300, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
    }

    private async Task<(System.Net.HttpStatusCode Status, string Body)> PostCreateAsync(object? mount, string[]? binds, string apiPrefix, string command)
    {
        var request = JsonSerializer.Serialize(new
        {
            Image = "busybox",
            Cmd = new[] { "sh", "-c", command },
            HostConfig = new { Mounts = mount is null ? Array.Empty<object>() : new[] { mount }, Binds = binds ?? [] },
        });
        using var content = new StringContent(request, Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync(apiPrefix + "containers/create", content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // A host folder with a tmpfs mounted at sub/, unmounted afterwards even when the test fails.
    private async Task WithSubmountAsync(Func<string, Task> test)
    {
        var host = HostFolder("rro");
        var sub = Path.Combine(host, "sub");
        Directory.CreateDirectory(sub);
        var mounted = await CommandRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", sub]);
        Assert.True(mounted.ExitCode == 0, mounted.ToString());
        try
        {
            await test(host);
        }
        finally
        {
            var unmounted = await CommandRunner.RunAsync("umount", [sub]);
            if (unmounted.ExitCode != 0)
            {
                await CommandRunner.RunAsync("umount", ["-l", sub]);
            }
        }
    }

    private string HostFolder(string stem)
    {
        // Under the fixture's root, which the harness sweeps even when a test fails.
        var folder = Path.Combine(daemon.Root, "binds", Names.Unique(stem));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
