using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>`docker exec` against a running container: output, stdin, exit codes, refusals, -e/-w/-u, and the exec API's errors.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideExecTests(PrivateDaemon daemon)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecPrintsTheCommandsOutput()
    {
        var name = Names.Unique("exec-echo");
        try
        {
            await daemon.RunSleeperAsync(name);

            var exec = await daemon.Docker("exec", name, "echo", "x");

            Assert.True(exec.ExitCode == 0, exec.ToString());
            Assert.Equal("x\n", exec.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ExecWithStdinHandsTheInputToTheCommand()
    {
        var name = Names.Unique("exec-stdin");
        try
        {
            await daemon.RunSleeperAsync(name);

            var exec = await daemon.DockerWithInput("hi\n", "exec", "-i", name, "cat");

            Assert.True(exec.ExitCode == 0, exec.ToString());
            Assert.Equal("hi\n", exec.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ExecExitsWithTheCommandsExitCode()
    {
        var name = Names.Unique("exec-exit");
        try
        {
            await daemon.RunSleeperAsync(name);

            var exec = await daemon.Docker("exec", name, "sh", "-c", "exit 9");

            Assert.True(exec.ExitCode == 9, exec.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ExecOfAMissingExecutableExits127AndSaysSo()
    {
        var name = Names.Unique("exec-missing");
        try
        {
            await daemon.RunSleeperAsync(name);

            var exec = await daemon.Docker("exec", name, "nosuch");

            Assert.True(exec.ExitCode == 127, exec.ToString());
            Assert.Contains("executable file not found", exec.Stdout + exec.Stderr);
            Assert.Equal("true", await daemon.InspectAsync(name, "{{.State.Running}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ExecInAStoppedContainerIsRefused()
    {
        var name = Names.Unique("exec-stopped");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "busybox", "true");
            Assert.True(run.ExitCode == 0, run.ToString());

            var exec = await daemon.Docker("exec", name, "echo", "x");

            Assert.True(exec.ExitCode != 0, exec.ToString());
            Assert.Contains("is not running", exec.Stderr);
            Assert.Equal("", exec.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ExecTakesEnvironmentWorkingDirectoryAndUser()
    {
        var name = Names.Unique("exec-options");
        try
        {
            await daemon.RunSleeperAsync(name);

            var environment = await daemon.Docker("exec", "-e", "GREETING=hello there", name, "sh", "-c", "echo \"$GREETING\"");
            var directory = await daemon.Docker("exec", "-w", "/tmp", name, "pwd");
            var user = await daemon.Docker("exec", "-u", "1000:1001", name, "id", "-u");
            var group = await daemon.Docker("exec", "-u", "1000:1001", name, "id", "-g");
            var defaultUser = await daemon.Docker("exec", name, "id", "-u");

            Assert.True(environment.ExitCode == 0 && environment.Stdout == "hello there\n", environment.ToString());
            Assert.True(directory.ExitCode == 0 && directory.Stdout == "/tmp\n", directory.ToString());
            Assert.True(user.ExitCode == 0 && user.Stdout == "1000\n", user.ToString());
            Assert.True(group.ExitCode == 0 && group.Stdout == "1001\n", group.ToString());
            Assert.True(defaultUser.ExitCode == 0 && defaultUser.Stdout == "0\n", defaultUser.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ResizeOfAnExecWithoutTtyIsBadRequest()
    {
        var name = Names.Unique("exec-resize");
        try
        {
            await daemon.RunSleeperAsync(name);
            using var create = await daemon.Api.PostAsync($"containers/{name}/exec",
                new StringContent("""{"Cmd": ["true"], "AttachStdout": true}""", Encoding.UTF8, "application/json"), Cancellation);
            var created = await create.Content.ReadAsStringAsync(Cancellation);
            Assert.True(create.StatusCode == HttpStatusCode.Created, created);
            using var createdJson = JsonDocument.Parse(created);
            var execId = createdJson.RootElement.GetProperty("Id").GetString();

            using var resize = await daemon.Api.PostAsync($"exec/{execId}/resize?h=30&w=100", null, Cancellation);
            var message = InsideDocker.ErrorMessage(await resize.Content.ReadAsStringAsync(Cancellation));

            Assert.Equal(HttpStatusCode.BadRequest, resize.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(message));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task UnknownExecInstanceIsNotFound()
    {
        var unknown = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        using var inspect = await daemon.Api.GetAsync($"exec/{unknown}/json", Cancellation);
        var inspectMessage = InsideDocker.ErrorMessage(await inspect.Content.ReadAsStringAsync(Cancellation));
        using var start = await daemon.Api.PostAsync($"exec/{unknown}/start",
            new StringContent("""{"Detach": true}""", Encoding.UTF8, "application/json"), Cancellation);
        var startMessage = InsideDocker.ErrorMessage(await start.Content.ReadAsStringAsync(Cancellation));

        Assert.Equal(HttpStatusCode.NotFound, inspect.StatusCode);
        Assert.Contains("No such exec instance", inspectMessage);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Contains("No such exec instance", startMessage);
    }
}
