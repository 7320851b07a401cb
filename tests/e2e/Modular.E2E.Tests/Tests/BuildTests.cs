using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The classic builder through `DOCKER_BUILDKIT=0 docker build` on the shared daemon: output, results, cache, failures.</summary>
[Collection(DaemonCollection.Name)]
public sealed class BuildTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly BuildSession _session = new(daemon);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task RunStepIsCommittedAndTheImageRunsItsCmd()
    {
        var context = _session.Context(("Dockerfile", "FROM busybox\nRUN echo hi > /x\nCMD [\"cat\",\"/x\"]\n"));
        var tag = _session.Tag("thin");

        var build = await _session.Build("-t", tag, context);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);
        var history = await daemon.Docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Step 1/3 : FROM busybox\n ---> ", build.Stdout);
        Assert.Matches(@"Step 2/3 : RUN echo hi > /x\n ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n", build.Stdout);
        Assert.Contains("Step 3/3 : CMD [\"cat\",\"/x\"]\n", build.Stdout);
        Assert.Matches(@"Successfully built [0-9a-f]{12}\n", build.Stdout);
        Assert.Contains($"Successfully tagged {tag}:latest\n", build.Stdout);
        Assert.Equal("hi\n", run.Stdout);
        var rows = history.Stdout.Split('\n');
        Assert.Equal("/bin/sh -c #(nop)  CMD [\"cat\" \"/x\"]", rows[0]);
        Assert.Equal("/bin/sh -c echo hi > /x", rows[1]);
    }

    [Fact]
    public async Task UnchangedRebuildUsesTheCacheForEveryStep()
    {
        var context = _session.Context(
            ("Dockerfile", "FROM busybox\nENV A=1\nWORKDIR /app\nCOPY . /app/\nRUN ls /app > /listing\nCMD [\"cat\",\"/listing\"]\n"),
            ("a.txt", "a"), ("sub/b.txt", "b"));
        var tag = _session.Tag("cached");

        var first = await _session.Build("-t", tag, context);
        var second = await _session.Build("-t", tag, context);
        var noCache = await _session.Build("--no-cache", "-t", tag, context);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("Using cache", first.Stdout);
        Assert.Equal(5, second.Stdout.Split(" ---> Using cache\n").Length - 1);
        Assert.DoesNotContain("Running in", second.Stdout);
        Assert.Equal(BuiltId(first), BuiltId(second));
        Assert.DoesNotContain("Using cache", noCache.Stdout);
        Assert.NotEqual(BuiltId(first), BuiltId(noCache));
    }

    [Fact]
    public async Task ChangingOneFileRebuildsFromItsCopyOn()
    {
        var context = _session.Context(
            ("Dockerfile", "FROM busybox\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\nRUN cat /a.txt /b.txt > /both\n"),
            ("a.txt", "one\n"), ("b.txt", "two\n"));
        var tag = _session.Tag("partial");

        var first = await _session.Build("-t", tag, context);
        File.WriteAllText(Path.Combine(context, "b.txt"), "changed\n");
        var second = await _session.Build("-t", tag, context);
        var both = await daemon.Docker("run", "--rm", "--network", "none", tag, "cat", "/both");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var steps = second.Stdout.Split("Step ");
        Assert.Contains("Using cache", steps[2]);
        Assert.DoesNotContain("Using cache", steps[3]);
        Assert.DoesNotContain("Using cache", steps[4]);
        Assert.Equal("one\nchanged\n", both.Stdout);
    }

    [Fact]
    public async Task TwoStageBuildCopiesOnlyTheResultAndSkipsUnusedStages()
    {
        var context = _session.Context(("Dockerfile", """
            FROM busybox AS unused
            RUN exit 9

            FROM busybox AS builder
            WORKDIR /src
            RUN echo 'int main(){return 0;}' > main.c && echo compiled > program && echo scratch > leftover

            FROM busybox
            COPY --from=builder /src/program /usr/local/bin/program
            CMD ["cat", "/usr/local/bin/program"]
            """));
        var tag = _session.Tag("stages");

        var build = await _session.Build("-t", tag, context);
        var run = await daemon.Docker("run", "--rm", "--network", "none", tag);
        var leftovers = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "ls /src 2>&1; ls /usr/local/bin");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("exit 9", build.Stdout);
        Assert.Contains("Step 1/6 : FROM busybox AS builder", build.Stdout);
        Assert.Equal("compiled\n", run.Stdout);
        Assert.Contains("No such file or directory", leftovers.Stdout);
        Assert.EndsWith("program\n", leftovers.Stdout);
    }

    [Fact]
    public async Task FailingRunStopsWithItsExitCodeTagsNothingAndLeavesNoContainer()
    {
        var context = _session.Context(("Dockerfile", "FROM busybox\nRUN echo before; exit 3\nRUN echo never\n"));
        var tag = _session.Tag("failing");
        var containersBefore = await _session.AllContainers();

        var build = await _session.Build("-t", tag, context);
        var inspect = await daemon.Docker("image", "inspect", tag);

        Assert.Equal(3, build.ExitCode);
        Assert.Contains("before\n", build.Stdout);
        Assert.DoesNotContain("Step 3/3", build.Stdout);
        Assert.Contains("The command '/bin/sh -c echo before; exit 3' returned a non-zero code: 3", build.Stderr);
        Assert.NotEqual(0, inspect.ExitCode);
        Assert.Equal(containersBefore, await _session.AllContainers());
    }

    [Theory]
    [InlineData("FROM busybox\nRUN true\nFOO bar\n", "dockerfile parse error on line 3: unknown instruction: FOO")]
    [InlineData("FROM busybox\nRUN <<EOF\necho never closed\n", "dockerfile parse error on line 2: unterminated heredoc EOF")]
    [InlineData("FROM busybox\nCOPY ../x /x\n", "COPY failed: forbidden path outside the build context: ../x ()")]
    [InlineData("FROM busybox\nCOPY missing.txt /x\n", "COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist")]
    public async Task BadInputIsAClearErrorAndLeavesNothingBehind(string dockerfile, string message)
    {
        var context = _session.Context(("Dockerfile", dockerfile));
        var tag = _session.Tag("bad");
        var containersBefore = await _session.AllContainers();
        var imagesBefore = (await daemon.Docker("images", "-aq", "--no-trunc")).Stdout;

        var build = await _session.Build("-t", tag, context);

        Assert.Equal(1, build.ExitCode);
        Assert.Contains(message, build.Stderr);
        Assert.NotEqual(0, (await daemon.Docker("image", "inspect", tag)).ExitCode);
        Assert.Equal(containersBefore, await _session.AllContainers());
        Assert.Equal(imagesBefore, (await daemon.Docker("images", "-aq", "--no-trunc")).Stdout);
    }

    [Fact]
    public async Task ConfigInstructionsBuildArgsAndLabelsEndUpInTheImage()
    {
        var context = _session.Context(("Dockerfile", """
            ARG BASE=busybox
            FROM ${BASE}
            ARG GREETING=hello
            ARG UNSET_ONE
            ENV NAME=world PATH_EXTRA="a b"
            ENV LEGACY value with spaces
            LABEL org.example.name="${NAME}" version=${GREETING:-none}
            EXPOSE 80 53/udp
            VOLUME /data
            WORKDIR /srv
            WORKDIR app
            USER nobody
            STOPSIGNAL SIGQUIT
            HEALTHCHECK --interval=5s --retries=2 CMD true
            SHELL ["/bin/sh", "-ec"]
            ENTRYPOINT ["/bin/echo"]
            CMD ["$NAME"]
            RUN echo "$GREETING ${NAME} ${UNSET_ONE:-default}" > /tmp/out && test "$(pwd)" = /srv/app
            """));
        var tag = _session.Tag("config");

        var build = await _session.Build("-t", tag, "--build-arg", "GREETING=hi", "--build-arg", "NOBODY_USES=1", "--label", "extra=yes", context);
        var inspect = await daemon.Docker("image", "inspect", "-f",
            "{{json .Config.Env}}|{{json .Config.Labels}}|{{json .Config.ExposedPorts}}|{{json .Config.Volumes}}|{{.Config.WorkingDir}}|" +
            "{{.Config.User}}|{{.Config.StopSignal}}|{{json .Config.Healthcheck.Test}}|{{json .Config.Shell}}|{{json .Config.Entrypoint}}|{{json .Config.Cmd}}", tag);
        var output = await daemon.Docker("run", "--rm", "--network", "none", "--user", "root", "--entrypoint", "cat", tag, "/tmp/out");
        var history = await daemon.Docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("[Warning] One or more build-args [NOBODY_USES] were not consumed", build.Stdout);
        var fields = inspect.Stdout.TrimEnd('\n').Split('|');
        Assert.Contains("\"NAME=world\"", fields[0]);
        Assert.Contains("\"PATH_EXTRA=a b\"", fields[0]);
        Assert.Contains("\"LEGACY=value with spaces\"", fields[0]);
        Assert.Equal("{\"extra\":\"yes\",\"org.example.name\":\"world\",\"version\":\"hi\"}", fields[1]);
        Assert.Equal("{\"53/udp\":{},\"80/tcp\":{}}", fields[2]);
        Assert.Equal("{\"/data\":{}}", fields[3]);
        Assert.Equal(["/srv/app", "nobody", "SIGQUIT", "[\"CMD-SHELL\",\"true\"]", "[\"/bin/sh\",\"-ec\"]", "[\"/bin/echo\"]", "[\"$NAME\"]"], fields[4..]);
        Assert.Equal("hi world default\n", output.Stdout);
        Assert.Contains("|1 GREETING=hi /bin/sh -ec echo \"$GREETING ${NAME} ${UNSET_ONE:-default}\" > /tmp/out && test \"$(pwd)\" = /srv/app", history.Stdout);
    }

    [Fact]
    public async Task DockerignoreExcludesFilesWithExceptionsButKeepsTheDockerfile()
    {
        var context = _session.Context(
            ("Dockerfile", "FROM busybox\nCOPY . /ctx/\nRUN cd /ctx && find . -type f | sort > /listing\nCMD [\"cat\", \"/listing\"]\n"),
            (".dockerignore", "*.log\n!keep.log\n**/secret*\nbuild\nDockerfile\n"),
            ("a.txt", "a"), ("x.log", "x"), ("keep.log", "k"), ("deep/dir/secret.key", "s"), ("build/out.o", "o"), ("src/main.c", "c"));
        var tag = _session.Tag("ignore");

        var build = await _session.Build("-t", tag, context);
        var listing = await daemon.Docker("run", "--rm", "--network", "none", tag);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal("./.dockerignore\n./a.txt\n./keep.log\n./src/main.c\n", listing.Stdout);
    }

    [Fact]
    public async Task QuietTargetIidfileAndANamedDockerfile()
    {
        var context = _session.Context(("payload.txt", "payload\n"),
            ("docker/Other.Dockerfile", "FROM busybox AS first\nCOPY payload.txt /p\nFROM first AS second\nRUN false\n"));
        var iid = Path.Combine(_session.Folder, "iid");
        var tag = _session.Tag("quiet");

        var build = await _session.Build("-q", "--iidfile", iid, "--target", "first", "-f", Path.Combine(context, "docker/Other.Dockerfile"), "-t", tag, context);
        var content = await daemon.Docker("run", "--rm", "--network", "none", tag, "cat", "/p");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Matches(@"^sha256:[0-9a-f]{64}\n$", build.Stdout);
        Assert.Equal(build.Stdout.Trim(), File.ReadAllText(iid).Trim());
        Assert.Equal("payload\n", content.Stdout);
    }

    [Fact]
    public async Task CopyAndAddHandleWildcardsOwnershipModesArchivesAndHeredocs()
    {
        var context = _session.Context(
            ("Dockerfile", """
                FROM busybox
                COPY --chown=1000:1001 --chmod=750 *.sh /scripts/
                ADD bundle.tar /opt/
                ADD bundle.tar.gz /gz/
                COPY dir /copied
                COPY <<EOF /etc/generated.conf
                name=$HOSTNAME_X
                EOF
                RUN <<SCRIPT
                echo from heredoc > /heredoc.txt
                SCRIPT
                RUN stat -c '%u:%g %a %n' /scripts/*.sh > /modes && ls /opt /gz /copied > /trees
                """),
            ("one.sh", "1"), ("two.sh", "2"), ("other.txt", "x"), ("dir/inner/file.txt", "inner"));
        MakeTar(Path.Combine(context, "bundle.tar"), gzip: false);
        MakeTar(Path.Combine(context, "bundle.tar.gz"), gzip: true);
        var tag = _session.Tag("copy");

        var build = await _session.Build("-t", tag, context);
        var check = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c",
            "cat /modes /trees /heredoc.txt /etc/generated.conf; ls /scripts");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal("""
            1000:1001 750 /scripts/one.sh
            1000:1001 750 /scripts/two.sh
            /copied:
            inner

            /gz:
            from-tar.txt

            /opt:
            from-tar.txt
            from heredoc
            name=
            one.sh
            two.sh

            """, check.Stdout);
    }

    [Fact]
    public async Task AddDownloadsAUrlWithMode600()
    {
        using var listener = new System.Net.HttpListener();
        var port = Random.Shared.Next(20000, 40000);
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            var request = await listener.GetContextAsync();
            var body = "downloaded\n"u8.ToArray();
            request.Response.ContentLength64 = body.Length;
            await request.Response.OutputStream.WriteAsync(body);
            request.Response.Close();
        }, TestContext.Current.CancellationToken);
        var context = _session.Context(("Dockerfile", $"FROM busybox\nADD http://127.0.0.1:{port}/files/remote.txt /downloads/\n"));
        var tag = _session.Tag("url");

        var build = await _session.Build("-t", tag, context);
        var check = await daemon.Docker("run", "--rm", "--network", "none", tag, "sh", "-c", "stat -c '%a' /downloads/remote.txt; cat /downloads/remote.txt");

        Assert.True(build.ExitCode == 0, build.ToString());
        await serving;
        Assert.Equal("600\ndownloaded\n", check.Stdout);
    }

    [Fact]
    public async Task OnBuildTriggersRunInTheChildBuild()
    {
        var parent = _session.Tag("onbuild-parent");
        var child = _session.Tag("onbuild-child");
        var parentContext = _session.Context(("Dockerfile", "FROM busybox\nONBUILD COPY marker.txt /marker.txt\nONBUILD RUN echo triggered > /triggered\n"));
        var childContext = _session.Context(("Dockerfile", $"FROM {parent}\nCMD [\"cat\", \"/marker.txt\", \"/triggered\"]\n"), ("marker.txt", "marker\n"));

        var parentBuild = await _session.Build("-t", parent, parentContext);
        var childBuild = await _session.Build("-t", child, childContext);
        var run = await daemon.Docker("run", "--rm", "--network", "none", child);
        var onBuild = await daemon.Docker("image", "inspect", "-f", "{{json .Config.OnBuild}}", child);

        Assert.True(parentBuild.ExitCode == 0, parentBuild.ToString());
        Assert.True(childBuild.ExitCode == 0, childBuild.ToString());
        Assert.Contains("# Executing 2 build triggers", childBuild.Stdout);
        Assert.Equal("marker\ntriggered\n", run.Stdout);
        Assert.Equal("null\n", onBuild.Stdout);
    }

    private static string BuiltId(CommandResult build) =>
        System.Text.RegularExpressions.Regex.Match(build.Stdout, "Successfully built ([0-9a-f]{12})").Groups[1].Value;

    private static void MakeTar(string path, bool gzip)
    {
        using var file = File.Create(path);
        using Stream output = gzip ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest) : file;
        using var writer = new System.Formats.Tar.TarWriter(output);
        var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "from-tar.txt")
        {
            DataStream = new MemoryStream("from tar\n"u8.ToArray()),
            Mode = (UnixFileMode)0b110_100_100,
        };
        writer.WriteEntry(entry);
    }
}
