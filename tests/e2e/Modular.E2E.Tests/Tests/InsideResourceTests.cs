using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Resource limits: `docker update` changes the live cgroup, and create refuses limits dockerd refuses.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideResourceTests(PrivateDaemon daemon)
{
    private const long Memory128M = 128L * 1024 * 1024;
    private const long Memory256M = 256L * 1024 * 1024;

    [Fact]
    public async Task UpdateSetsTheMemoryLimitInInspectAndInTheLiveCgroup()
    {
        var name = Names.Unique("update-memory");
        try
        {
            var id = await daemon.RunSleeperAsync(name);
            var limitFile = MemoryLimitFile(id);
            Assert.True(File.Exists(limitFile), $"{limitFile} does not exist");
            var before = File.ReadAllText(limitFile).Trim();

            var update = await daemon.Docker("update", "--memory", "128m", "--memory-swap", "256m", name);

            Assert.True(update.ExitCode == 0, update.ToString());
            Assert.Equal(name + "\n", update.Stdout);
            Assert.Equal($"{Memory128M} {Memory256M}", await daemon.InspectAsync(name, "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"));
            Assert.NotEqual(Memory128M.ToString(), before);
            Assert.Equal(Memory128M.ToString(), File.ReadAllText(limitFile).Trim());
            Assert.Equal("running", await daemon.InspectAsync(name, "{{.State.Status}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task RunWithLessThanTheMinimumMemoryIsRefused()
    {
        var name = Names.Unique("memory-1m");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "--memory", "1m", "busybox", "true");

            Assert.True(run.ExitCode != 0, run.ToString());
            Assert.Contains("Minimum memory limit allowed is 6MB", run.Stderr);
            var ps = await daemon.Docker("ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}}");
            Assert.True(ps.ExitCode == 0 && ps.Stdout == "", ps.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    /// <summary>The container's cgroup is /modular/&lt;id&gt; (the OCI spec's cgroupsPath) under the memory controller.</summary>
    private static string MemoryLimitFile(string id) =>
        File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? $"/sys/fs/cgroup/modular/{id}/memory.max"
            : $"/sys/fs/cgroup/memory/modular/{id}/memory.limit_in_bytes";
}
