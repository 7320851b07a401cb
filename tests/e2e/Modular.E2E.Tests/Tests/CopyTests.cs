using System.Formats.Tar;
using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>`docker cp` through the archive endpoints, in both directions, running and stopped, and never off the container's root.</summary>
[Collection(DaemonCollection.Name)]
public sealed class CopyTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly string _host = TempRoot.Create();
    private readonly List<string> _containers = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await daemon.Docker("rm", "-f", container);
        }
        Directory.Delete(_host, recursive: true);
    }

    [Fact]
    public async Task AFileGoesInAndComesBackOutOfARunningContainer()
    {
        var name = await RunAsync("cp-file");
        var source = HostFile("in.txt", "hello from the host\n");

        var copyIn = await daemon.Docker("cp", source, $"{name}:/tmp/in.txt");
        var cat = await daemon.Docker("exec", name, "cat", "/tmp/in.txt");
        var owner = await daemon.Docker("exec", name, "stat", "-c", "%u:%g %a", "/tmp/in.txt");
        var copyOut = await daemon.Docker("cp", $"{name}:/tmp/in.txt", HostPath("out.txt"));

        Assert.True(copyIn.ExitCode == 0, copyIn.ToString());
        Assert.Equal("hello from the host\n", cat.Stdout);
        Assert.Equal("0:0 644\n", owner.Stdout);
        Assert.True(copyOut.ExitCode == 0, copyOut.ToString());
        Assert.Equal("hello from the host\n", File.ReadAllText(HostPath("out.txt")));
    }

    [Fact]
    public async Task OwnershipComesFromTheArchiveOrWithArchiveModeFromTheContainersUser()
    {
        // dockerd keeps the uid/gid the CLI put in the tar (the host file's); -a makes them the container's user.
        var name = await RunAsync("cp-owner", "--user", "33:44");
        var source = HostFile("owned.txt", "x");
        var chown = await CommandRunner.RunAsync("chown", ["1234:5678", source]);
        Assert.True(chown.ExitCode == 0, chown.ToString());

        var plain = await daemon.Docker("cp", source, $"{name}:/tmp/plain.txt");
        var archive = await daemon.Docker("cp", "-a", source, $"{name}:/tmp/archive.txt");
        var owners = await daemon.Docker("exec", name, "stat", "-c", "%u:%g", "/tmp/plain.txt", "/tmp/archive.txt");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(archive.ExitCode == 0, archive.ToString());
        Assert.Equal("1234:5678\n33:44\n", owners.Stdout);
    }

    [Fact]
    public async Task ADirectoryGoesInAndOutAsItselfOrAsItsContent()
    {
        var name = await RunAsync("cp-dir");
        HostFile("src/a.txt", "alpha");
        HostFile("src/sub/b.txt", "beta");
        Directory.CreateDirectory(HostPath("content-out"));

        var asItself = await daemon.Docker("cp", HostPath("src"), $"{name}:/data");
        var asContent = await daemon.Docker("cp", HostPath("src") + "/.", $"{name}:/tmp");
        var listed = await daemon.Docker("exec", name, "sh", "-c", "cat /data/a.txt /data/sub/b.txt /tmp/a.txt /tmp/sub/b.txt");
        var outAsItself = await daemon.Docker("cp", $"{name}:/data", HostPath("dir-out"));
        var outAsContent = await daemon.Docker("cp", $"{name}:/data/.", HostPath("content-out"));

        Assert.True(asItself.ExitCode == 0, asItself.ToString());
        Assert.True(asContent.ExitCode == 0, asContent.ToString());
        Assert.Equal("alphabetaalphabeta", listed.Stdout);
        Assert.True(outAsItself.ExitCode == 0, outAsItself.ToString());
        Assert.Equal("beta", File.ReadAllText(HostPath("dir-out/sub/b.txt")));
        Assert.True(outAsContent.ExitCode == 0, outAsContent.ToString());
        Assert.Equal("alpha", File.ReadAllText(HostPath("content-out/a.txt")));
        Assert.False(Directory.Exists(HostPath("content-out/data")));
    }

    [Fact]
    public async Task AStoppedContainerCanBeCopiedToAndFrom()
    {
        var name = Names.Unique("cp-stopped");
        var create = await daemon.Docker("create", "--name", name, "busybox", "cat", "/copied.txt");
        Assert.True(create.ExitCode == 0, create.ToString());
        _containers.Add(name);

        var copyIn = await daemon.Docker("cp", HostFile("copied.txt", "while stopped\n"), $"{name}:/copied.txt");
        var copyOut = await daemon.Docker("cp", $"{name}:/copied.txt", HostPath("back.txt"));
        var start = await daemon.Docker("start", "-a", name);

        Assert.True(copyIn.ExitCode == 0, copyIn.ToString());
        Assert.True(copyOut.ExitCode == 0, copyOut.ToString());
        Assert.Equal("while stopped\n", File.ReadAllText(HostPath("back.txt")));
        Assert.Equal("while stopped\n", start.Stdout);
    }

    [Fact]
    public async Task AMissingPathIsNotFoundInDockersWords()
    {
        var name = await RunAsync("cp-missing");

        var copy = await daemon.Docker("cp", $"{name}:/no/such/file", HostPath("never"));
        using var response = await daemon.Api.GetAsync($"containers/{name}/archive?path=/no/such/file", TestContext.Current.CancellationToken);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("message").GetString();

        Assert.True(copy.ExitCode != 0, copy.ToString());
        Assert.Contains($"Could not find the file /no/such/file in container {name}", copy.Stderr);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal($"Could not find the file /no/such/file in container {name}", message);
        Assert.False(File.Exists(HostPath("never")));
    }

    [Fact]
    public async Task SymlinksAndDotDotsResolveInsideTheContainer()
    {
        var name = await RunAsync("cp-links");
        var marker = "container-only-" + Guid.NewGuid().ToString("N");
        var setup = await daemon.Docker("exec", name, "sh", "-c",
            $"echo {marker} > /etc/passwd && ln -s /etc/passwd /link && ln -s / /hostroot && ln -s ../../../../../../.. /up");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        Directory.CreateDirectory(HostPath("out"));

        var link = await daemon.Docker("cp", $"{name}:/link", HostPath("out/link"));
        var followed = await daemon.Docker("cp", "-L", $"{name}:/link", HostPath("out/followed"));
        var throughAbsolute = await daemon.Docker("cp", $"{name}:/hostroot/etc/passwd", HostPath("out/absolute"));
        var throughRelative = await daemon.Docker("cp", $"{name}:/up/etc/passwd", HostPath("out/relative"));
        var dotDots = await ArchiveContentAsync(name, "../../../../../etc/passwd");

        Assert.True(link.ExitCode == 0, link.ToString());
        Assert.Equal("/etc/passwd", new FileInfo(HostPath("out/link")).LinkTarget);
        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Equal(marker + "\n", File.ReadAllText(HostPath("out/followed")));
        Assert.True(throughAbsolute.ExitCode == 0, throughAbsolute.ToString());
        Assert.Equal(marker + "\n", File.ReadAllText(HostPath("out/absolute")));
        Assert.True(throughRelative.ExitCode == 0, throughRelative.ToString());
        Assert.Equal(marker + "\n", File.ReadAllText(HostPath("out/relative")));
        Assert.Equal(marker + "\n", dotDots);
    }

    [Fact]
    public async Task CopyingInThroughSymlinksOrDotDotEntriesNeverWritesOnTheHost()
    {
        var name = await RunAsync("cp-escape");
        var setup = await daemon.Docker("exec", name, "sh", "-c", "ln -s / /hostroot && mkdir -p /inbox && ln -s ../../../../../../.. /inbox/up");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var unique = "modular-cp-escape-" + Guid.NewGuid().ToString("N");

        var throughLink = await daemon.Docker("cp", HostFile(unique, "payload"), $"{name}:/hostroot/tmp/");
        var inContainer = await daemon.Docker("exec", name, "cat", "/tmp/" + unique);
        var dotDotEntry = await PutArchiveAsync(name, "/inbox", $"../../../../../../tmp/{unique}-dotdot");
        var throughEntryLink = await PutArchiveAsync(name, "/inbox", $"up/tmp/{unique}-link");

        Assert.True(throughLink.ExitCode == 0, throughLink.ToString());
        Assert.Equal("payload", inContainer.Stdout);
        Assert.False(File.Exists("/tmp/" + unique));
        Assert.Equal(HttpStatusCode.BadRequest, dotDotEntry);
        Assert.False(File.Exists($"/tmp/{unique}-dotdot"));
        Assert.Equal(HttpStatusCode.BadRequest, throughEntryLink);
        Assert.False(File.Exists($"/tmp/{unique}-link"));
    }

    [Fact]
    public async Task AReadOnlyRootfsRefusesCopiesInButNotOut()
    {
        var name = await RunAsync("cp-readonly", "--read-only");

        var copyIn = await daemon.Docker("cp", HostFile("ro.txt", "x"), $"{name}:/ro.txt");
        var copyOut = await daemon.Docker("cp", $"{name}:/etc/group", HostPath("group"));

        Assert.True(copyIn.ExitCode != 0, copyIn.ToString());
        Assert.Contains("container rootfs is marked read-only", copyIn.Stderr);
        Assert.True(copyOut.ExitCode == 0, copyOut.ToString());
    }

    [Fact]
    public async Task ReplacingADirectoryWithAFileIsRefused()
    {
        var name = await RunAsync("cp-dirfile");
        var setup = await daemon.Docker("exec", name, "mkdir", "-p", "/target/thing");
        Assert.True(setup.ExitCode == 0, setup.ToString());

        var copy = await daemon.Docker("cp", HostFile("thing", "a file"), $"{name}:/target/");

        Assert.True(copy.ExitCode != 0, copy.ToString());
        Assert.Contains("cannot overwrite directory", copy.Stderr);
    }

    private async Task<string> RunAsync(string stem, params string[] options)
    {
        var name = Names.Unique(stem);
        var run = await daemon.Docker(["run", "-d", "--name", name, .. options, "busybox", "sleep", "300"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        _containers.Add(name);
        return name;
    }

    private string HostPath(string relative) => Path.Combine(_host, relative);

    private string HostFile(string relative, string content)
    {
        var path = HostPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    // Straight to the API: the CLI cleans paths itself, the daemon must not rely on that.
    private async Task<string> ArchiveContentAsync(string container, string path)
    {
        using var response = await daemon.Api.GetAsync($"containers/{container}/archive?path={Uri.EscapeDataString(path)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new TarReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var entry = await reader.GetNextEntryAsync(cancellationToken: TestContext.Current.CancellationToken) ?? throw new InvalidDataException("empty archive");
        return new StreamReader(entry.DataStream!, Encoding.UTF8).ReadToEnd();
    }

    private async Task<HttpStatusCode> PutArchiveAsync(string container, string directory, string entryName)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream("escaped"u8.ToArray()) });
        }
        tar.Position = 0;
        using var content = new StreamContent(tar);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        using var response = await daemon.Api.PutAsync($"containers/{container}/archive?path={Uri.EscapeDataString(directory)}&noOverwriteDirNonDir=true", content, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
