using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The same healthcheck and security/limit flags given to `modular create` and `docker create` must produce the same container.</summary>
[Collection(DaemonCollection.Name)]
public sealed class RunFlagsParityTests(PrivateDaemon daemon)
{
    private static readonly string[] HostConfigFields =
        ["Privileged", "CapAdd", "CapDrop", "SecurityOpt", "Init", "Devices", "Ulimits", "Sysctls", "GroupAdd", "OomKillDisable", "MaskedPaths", "ReadonlyPaths"];

    [Fact]
    public async Task HealthAndSecurityFlagsGiveTheSameContainerThroughModularAndDocker()
    {
        var profileFolder = Directory.CreateTempSubdirectory("runflags-seccomp-");
        var profile = Path.Combine(profileFolder.FullName, "allow.json");
        await File.WriteAllTextAsync(profile, "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}\n", TestContext.Current.CancellationToken);
        string[] flags =
        [
            "--health-cmd", "test -e /tmp", "--health-interval", "1m30s", "--health-timeout", "1.5s", "--health-retries", "4",
            "--health-start-period", "250ms", "--health-start-interval", "2s",
            "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--security-opt", "no-new-privileges",
            "--security-opt", "seccomp=" + profile, "--init", "--device", "/dev/null:/dev/mynull:rw",
            "--ulimit", "nofile=1024:2048", "--ulimit", "nproc=512", "--sysctl", "net.ipv4.ip_forward=1",
            "--group-add", "1234", "--oom-kill-disable",
        ];
        string[] privilegedFlags = ["--privileged", "--no-healthcheck", "--security-opt", "systempaths=unconfined"];
        string[] noFlags = [];
        var names = new List<string>();
        try
        {
            foreach (var set in new[] { flags, privilegedFlags, noFlags })
            {
                var ours = Names.Unique("flags-modular");
                var theirs = Names.Unique("flags-docker");
                names.AddRange([ours, theirs]);
                var modularCreate = await daemon.Modular(["create", "--name", ours, .. set, "busybox", "sleep", "300"]);
                var dockerCreate = await daemon.Docker(["create", "--name", theirs, .. set, "busybox", "sleep", "300"]);
                Assert.True(modularCreate.ExitCode == 0, modularCreate.ToString());
                Assert.True(dockerCreate.ExitCode == 0, dockerCreate.ToString());

                using var modularInspect = await Inspect(ours);
                using var dockerInspect = await Inspect(theirs);
                var modularHost = modularInspect.RootElement.GetProperty("HostConfig");
                var dockerHost = dockerInspect.RootElement.GetProperty("HostConfig");
                var differences = HostConfigFields.Where(field => Field(dockerHost, field) != Field(modularHost, field))
                    .Select(field => $"HostConfig.{field}: docker {Field(dockerHost, field)}, modular {Field(modularHost, field)}");
                Assert.True(!differences.Any(), $"after {string.Join(' ', set)}:\n" + string.Join('\n', differences));
                Assert.Equal(Field(dockerInspect.RootElement.GetProperty("Config"), "Healthcheck"),
                    Field(modularInspect.RootElement.GetProperty("Config"), "Healthcheck"));
            }

            // Guards against comparing two empty fields: the flags did arrive.
            using var first = await Inspect(names[0]);
            Assert.Contains("SCMP_ACT_ALLOW", Field(first.RootElement.GetProperty("HostConfig"), "SecurityOpt"));
            Assert.Equal(["CMD-SHELL", "test -e /tmp"],
                first.RootElement.GetProperty("Config").GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            foreach (var name in names)
                await daemon.Docker("rm", "-f", name);
            profileFolder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--ulimit", "nofile=lots")]
    [InlineData("--health-interval", "5")]
    [InlineData("--device", "/dev/null:relative")]
    [InlineData("--sysctl", "kernel.hostname=x")]
    public async Task BadValuesAreRefusedWithDockersMessageAndExitCode125(string flag, string value)
    {
        var docker = await daemon.Docker("run", "--rm", flag, value, "busybox", "true");
        var modular = await daemon.Modular("run", "--rm", flag, value, "busybox", "true");

        Assert.Equal(125, docker.ExitCode);
        Assert.True(modular.ExitCode == 125, modular.ToString());
        // Errors from building the request are printed as "docker: <message>" (ours "modular: <message>"), flag errors bare.
        var dockerMessage = docker.Stderr.Split('\n')[0].Trim();
        if (dockerMessage.StartsWith("docker: ", StringComparison.Ordinal))
            dockerMessage = dockerMessage["docker: ".Length..];
        Assert.Contains(dockerMessage, modular.Stderr);
    }

    [Fact]
    public async Task ExecRunsWithTheContainersAddedAndDroppedCapabilities()
    {
        var name = Names.Unique("flags-exec-caps");
        var run = await daemon.Modular("run", "-d", "--name", name, "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN", "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            var main = await daemon.Docker("exec", name, "cat", "/proc/1/status");
            var exec = await daemon.Docker("exec", name, "grep", "CapEff", "/proc/self/status");
            Assert.True(main.ExitCode == 0 && exec.ExitCode == 0, main + "\n" + exec);

            var mask = Convert.ToUInt64(Mask(exec.Stdout), 16);
            // Docker's default set 0xa80425fb, plus CAP_NET_ADMIN (bit 12), minus CAP_CHOWN (bit 0).
            Assert.Equal((0xa80425fbUL | (1UL << 12)) & ~1UL, mask);
            var mainLine = main.Stdout.Split('\n').Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            Assert.Equal(Mask(mainLine), Mask(exec.Stdout));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private static string Mask(string statusLine) => statusLine.Split(':', 2)[1].Trim();

    private async Task<JsonDocument> Inspect(string name)
    {
        var inspect = await daemon.Docker("inspect", name);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        var array = JsonDocument.Parse(inspect.Stdout);
        var single = JsonDocument.Parse(array.RootElement[0].GetRawText());
        array.Dispose();
        return single;
    }

    private static string Field(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value.GetRawText() : "<absent>";
}
