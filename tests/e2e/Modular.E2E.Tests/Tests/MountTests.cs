using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Binds, tmpfs, --read-only, --shm-size and --volumes-from as the docker CLI asks for them, and their refusals.</summary>
[Collection(DaemonCollection.Name)]
public sealed class MountTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task AReadOnlyBindCannotBeWrittenAndAWritableOneReachesTheHost()
    {
        var host = HostFolder("bind");
        File.WriteAllText(Path.Combine(host, "given"), "from-host\n");

        var readOnly = await daemon.Docker("run", "--rm", "-v", $"{host}:/h:ro", "busybox", "sh", "-c", "cat /h/given; touch /h/new");
        var writable = await MustSucceed(daemon.Docker("run", "--rm", "--mount", $"type=bind,src={host},dst=/h", "busybox", "sh", "-c", "echo back > /h/written"));

        Assert.NotEqual(0, readOnly.ExitCode);
        Assert.Equal("from-host\n", readOnly.Stdout);
        Assert.Contains("Read-only file system", readOnly.Stderr);
        Assert.False(File.Exists(Path.Combine(host, "new")));
        Assert.Equal("back\n", File.ReadAllText(Path.Combine(host, "written")));
        Assert.Equal("", writable.Stderr);
    }

    [Fact]
    public async Task AMissingBindSourceIsRefusedForMountButCreatedForV()
    {
        var missing = Path.Combine(HostFolder("missing"), "not-there");

        var mount = await daemon.Docker("run", "--rm", "--mount", $"type=bind,src={missing},dst=/x", "busybox", "true");
        Assert.Equal(125, mount.ExitCode);
        Assert.Contains($"invalid mount config for type \"bind\": bind source path does not exist: {missing}", mount.Stderr);
        Assert.False(Directory.Exists(missing));

        await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{missing}:/x", "busybox", "true"));
        Assert.True(Directory.Exists(missing));
    }

    [Fact]
    public async Task CreateMountpointMakesTheMissingBindSource()
    {
        var missing = Path.Combine(HostFolder("createsrc"), "made");
        var body = $$$"""
            {"Image": "busybox", "Cmd": ["true"], "HostConfig": {"Mounts": [
              {"Type": "bind", "Source": "{{{missing}}}", "Target": "/m", "BindOptions": {"CreateMountpoint": true}}]}}
            """;
        var (status, created) = await PostAsync("containers/create", body);
        Assert.Equal(HttpStatusCode.Created, status);
        var id = JsonDocument.Parse(created).RootElement.GetProperty("Id").GetString()!;
        try
        {
            await MustSucceed(daemon.Docker("start", "-a", id));
            Assert.True(Directory.Exists(missing));
        }
        finally
        {
            await daemon.Docker("rm", "-f", id);
        }
    }

    [Fact]
    public async Task BadMountsAreBadRequestsNamingTheField()
    {
        var (typeStatus, typeBody) = await PostAsync("containers/create",
            """{"Image": "busybox", "HostConfig": {"Mounts": [{"Type": "nfs", "Target": "/x"}]}}""");
        var (targetStatus, targetBody) = await PostAsync("containers/create",
            """{"Image": "busybox", "HostConfig": {"Mounts": [{"Type": "volume", "Source": "v1"}]}}""");
        var (optionsStatus, optionsBody) = await PostAsync("containers/create",
            """{"Image": "busybox", "HostConfig": {"Mounts": [{"Type": "tmpfs", "Target": "/t", "BindOptions": {"Propagation": "shared"}}]}}""");
        var cli = await daemon.Docker("run", "--rm", "--mount", "type=bind,src=/tmp,dst=/x,colour=red", "busybox", "true");
        var duplicate = await daemon.Docker("run", "--rm", "-v", "/tmp:/x", "-v", "/var:/x", "busybox", "true");

        Assert.Equal(HttpStatusCode.BadRequest, typeStatus);
        Assert.Contains("invalid mount config for type \"nfs\": mount type unknown", typeBody);
        Assert.Equal(HttpStatusCode.BadRequest, targetStatus);
        Assert.Contains("field Target must not be empty", targetBody);
        Assert.Equal(HttpStatusCode.BadRequest, optionsStatus);
        Assert.Contains("field BindOptions must not be specified", optionsBody);
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("unexpected key 'colour'", cli.Stderr);
        Assert.Equal(125, duplicate.ExitCode);
        Assert.Contains("Duplicate mount point: /x", duplicate.Stderr);
    }

    [Fact]
    public async Task TmpfsMountsHonourSizeModeAndDockerDefaults()
    {
        var tmpfs = await MustSucceed(daemon.Docker("run", "--rm", "--tmpfs", "/run:rw,size=8m", "busybox", "sh", "-c", "df -k /run | tail -1; grep ' /run ' /proc/mounts"));
        var mount = await MustSucceed(daemon.Docker("run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=1770", "busybox", "stat", "-c", "%a", "/t"));
        var df = await MustSucceed(daemon.Docker("run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=2m", "busybox", "df", "-k", "/t"));

        Assert.Contains(" 8192 ", tmpfs.Stdout);
        Assert.Contains("nosuid", tmpfs.Stdout);
        Assert.Contains("noexec", tmpfs.Stdout);
        Assert.Equal("1770\n", mount.Stdout);
        Assert.Contains(" 2048 ", df.Stdout);
    }

    [Fact]
    public async Task ReadOnlyRootfsAndShmSizeAreApplied()
    {
        var readOnly = await daemon.Docker("run", "--rm", "--read-only", "busybox", "touch", "/x");
        var stillWritable = await MustSucceed(daemon.Docker("run", "--rm", "--read-only", "--tmpfs", "/scratch", "busybox", "touch", "/scratch/x"));
        var shm = await MustSucceed(daemon.Docker("run", "--rm", "--shm-size", "16m", "busybox", "df", "-k", "/dev/shm"));
        var defaultShm = await MustSucceed(daemon.Docker("run", "--rm", "busybox", "df", "-k", "/dev/shm"));

        Assert.NotEqual(0, readOnly.ExitCode);
        Assert.Contains("Read-only file system", readOnly.Stderr);
        Assert.Equal(0, stillWritable.ExitCode);
        Assert.Contains(" 16384 ", shm.Stdout);
        Assert.Contains(" 65536 ", defaultShm.Stdout);
    }

    [Fact]
    public async Task VolumesFromSharesTheMountsReadOnlyWhenAsked()
    {
        var volume = Names.Unique("shared");
        var source = Names.Unique("source");
        try
        {
            await MustSucceed(daemon.Docker("run", "--name", source, "-v", $"{volume}:/data", "busybox", "sh", "-c", "echo shared > /data/f"));
            var read = await MustSucceed(daemon.Docker("run", "--rm", "--volumes-from", source, "busybox", "cat", "/data/f"));
            var readOnly = await daemon.Docker("run", "--rm", "--volumes-from", $"{source}:ro", "busybox", "touch", "/data/g");

            Assert.Equal("shared\n", read.Stdout);
            Assert.NotEqual(0, readOnly.ExitCode);
            Assert.Contains("Read-only file system", readOnly.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", source);
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task AVolumeSubpathMountsOnlyThatFolder()
    {
        var volume = Names.Unique("sub");
        try
        {
            await MustSucceed(daemon.Docker("run", "--rm", "-v", $"{volume}:/v", "busybox", "sh", "-c", "mkdir -p /v/inner && echo deep > /v/inner/f"));
            var sub = await MustSucceed(daemon.Docker("run", "--rm", "--mount", $"type=volume,src={volume},dst=/s,volume-subpath=inner", "busybox", "cat", "/s/f"));
            var missing = await daemon.Docker("run", "--rm", "--mount", $"type=volume,src={volume},dst=/s,volume-subpath=nope", "busybox", "true");

            Assert.Equal("deep\n", sub.Stdout);
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("nope", missing.Stderr);
        }
        finally
        {
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task InspectAndPsShowTheMountsAsDockerDoes()
    {
        var volume = Names.Unique("shown");
        var container = Names.Unique("shower");
        var host = HostFolder("shown");
        try
        {
            await MustSucceed(daemon.Docker("create", "--name", container, "-v", $"{volume}:/data", "-v", $"{host}:/h:ro", "busybox", "true"));
            var mounts = (await MustSucceed(daemon.Docker("inspect", "-f", "{{json .Mounts}}", container))).Stdout;
            var ps = await MustSucceed(daemon.Docker("ps", "-a", "--no-trunc", "--filter", $"name={container}", "--format", "{{.Mounts}}"));

            using var document = JsonDocument.Parse(mounts);
            var byDestination = document.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("Destination").GetString()!);
            var data = byDestination["/data"];
            Assert.Equal("volume", data.GetProperty("Type").GetString());
            Assert.Equal(volume, data.GetProperty("Name").GetString());
            Assert.Equal("local", data.GetProperty("Driver").GetString());
            Assert.Equal("z", data.GetProperty("Mode").GetString());
            Assert.True(data.GetProperty("RW").GetBoolean());
            var bind = byDestination["/h"];
            Assert.Equal("bind", bind.GetProperty("Type").GetString());
            Assert.Equal(host, bind.GetProperty("Source").GetString());
            Assert.False(bind.GetProperty("RW").GetBoolean());
            Assert.Equal("rprivate", bind.GetProperty("Propagation").GetString());
            Assert.Contains(volume, ps.Stdout);
            var byVolume = await MustSucceed(daemon.Docker("ps", "-a", "-q", "--no-trunc", "--filter", $"volume={volume}"));
            var byMountPoint = await MustSucceed(daemon.Docker("ps", "-a", "--format", "{{.Names}}", "--filter", "volume=/h", "--filter", $"name={container}"));
            var id = (await MustSucceed(daemon.Docker("inspect", "-f", "{{.Id}}", container))).Stdout;
            Assert.Equal(id, byVolume.Stdout);
            Assert.Equal(container + "\n", byMountPoint.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("volume", "rm", "-f", volume);
        }
    }

    private string HostFolder(string stem)
    {
        // Under the fixture's root, which the harness sweeps even when a test fails.
        var folder = Path.Combine(daemon.Root, "binds", Names.Unique(stem));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync(path, content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Error bodies are {"message": ...}; the message is what the client prints.
        return (response.StatusCode, response.IsSuccessStatusCode ? body : JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()!);
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
