using System.Net;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Looking into and at a container: top (default and custom ps args, malformed ones), rename, diff.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideContainerTests(PrivateDaemon daemon)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TopListsTheContainersProcessWithDefaultPsArguments()
    {
        var name = Names.Unique("top-default");
        try
        {
            await daemon.RunSleeperAsync(name);
            var pid = await daemon.InspectAsync(name, "{{.State.Pid}}");

            var top = await daemon.Docker("top", name);

            Assert.True(top.ExitCode == 0, top.ToString());
            var lines = top.Stdout.TrimEnd('\n').Split('\n');
            Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], Columns(lines[0]));
            var row = Assert.Single(lines.Skip(1));
            Assert.Equal(pid, Columns(row)[1]);
            Assert.EndsWith("sleep 300", row.TrimEnd());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task TopTakesCustomPsArguments()
    {
        var name = Names.Unique("top-custom");
        try
        {
            await daemon.RunSleeperAsync(name);
            var pid = await daemon.InspectAsync(name, "{{.State.Pid}}");

            var top = await daemon.Docker("top", name, "-o", "pid,comm");

            Assert.True(top.ExitCode == 0, top.ToString());
            var lines = top.Stdout.TrimEnd('\n').Split('\n');
            Assert.Equal(["PID", "COMMAND"], Columns(lines[0]));
            Assert.Equal([pid, "sleep"], Columns(Assert.Single(lines.Skip(1))));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task TopWithMalformedPsArgumentsFailsClearlyAndLeavesTheContainerRunning()
    {
        var name = Names.Unique("top-bogus");
        try
        {
            await daemon.RunSleeperAsync(name);

            var top = await daemon.Docker("top", name, "--bogus");

            Assert.True(top.ExitCode != 0, top.ToString());
            Assert.Contains("Error response from daemon", top.Stderr);
            Assert.Contains("--bogus", top.Stderr);
            Assert.Equal("running", await daemon.InspectAsync(name, "{{.State.Status}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task RenameMovesTheContainerToTheNewName()
    {
        var oldName = Names.Unique("rename-old");
        var newName = Names.Unique("rename-new");
        try
        {
            var id = await daemon.RunSleeperAsync(oldName);

            var rename = await daemon.Docker("rename", oldName, newName);

            Assert.True(rename.ExitCode == 0, rename.ToString());
            Assert.Equal($"/{newName} {id} running", await daemon.InspectAsync(newName, "{{.Name}} {{.Id}} {{.State.Status}}"));
            var old = await daemon.Docker("inspect", oldName);
            Assert.True(old.ExitCode != 0, old.ToString());
            Assert.Contains("No such", old.Stderr);
            var ps = await daemon.Docker("ps", "--no-trunc", "--filter", "id=" + id, "--format", "{{.Names}}");
            Assert.Equal(newName + "\n", ps.Stdout);
            var exec = await daemon.Docker("exec", newName, "echo", "renamed");
            Assert.Equal("renamed\n", exec.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", oldName);
            await daemon.Docker("rm", "-f", newName);
        }
    }

    [Fact]
    public async Task RenameToATakenNameIsConflict()
    {
        var name = Names.Unique("rename-mine");
        var taken = Names.Unique("rename-taken");
        try
        {
            await daemon.RunSleeperAsync(name);
            var create = await daemon.Docker("create", "--name", taken, "busybox", "true");
            Assert.True(create.ExitCode == 0, create.ToString());

            var rename = await daemon.Docker("rename", name, taken);
            using var response = await daemon.Api.PostAsync($"containers/{name}/rename?name={taken}", null, Cancellation);
            var message = InsideDocker.ErrorMessage(await response.Content.ReadAsStringAsync(Cancellation));

            Assert.True(rename.ExitCode != 0, rename.ToString());
            Assert.Contains($"Conflict. The container name \"/{taken}\" is already in use", rename.Stderr);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains($"\"/{taken}\" is already in use", message);
            Assert.Equal($"/{name}", await daemon.InspectAsync(name, "{{.Name}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
            await daemon.Docker("rm", "-f", taken);
        }
    }

    [Fact]
    public async Task DiffShowsAFileWrittenInTmp()
    {
        var name = Names.Unique("diff");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "busybox", "sh", "-c", "echo x > /tmp/x");
            Assert.True(run.ExitCode == 0, run.ToString());

            var diff = await daemon.Docker("diff", name);

            Assert.True(diff.ExitCode == 0, diff.ToString());
            var lines = diff.Stdout.TrimEnd('\n').Split('\n');
            Assert.Contains("C /tmp", lines);
            Assert.Contains("A /tmp/x", lines);
            Assert.True(lines.ToList().IndexOf("C /tmp") < lines.ToList().IndexOf("A /tmp/x"), diff.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private static string[] Columns(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
