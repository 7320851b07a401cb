using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class PrivilegedExecTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task APrivilegedExecHasEveryCapabilityAndAPlainOneDockersDefaults()
    {
        var name = Names.Unique("caps");
        var run = await daemon.Docker("run", "-d", "--name", name, "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            var plain = await daemon.Docker("exec", name, "grep", "CapEff", "/proc/self/status");
            var privileged = await daemon.Docker("exec", "--privileged", name, "grep", "CapEff", "/proc/self/status");
            Assert.True(plain.ExitCode == 0 && privileged.ExitCode == 0, plain + "\n" + privileged);

            // Docker's 14 default capabilities are 0x00000000a80425fb; a privileged exec gets all the kernel has.
            Assert.Equal("00000000a80425fb", Mask(plain.Stdout));
            Assert.True(Convert.ToUInt64(Mask(privileged.Stdout), 16) > Convert.ToUInt64(Mask(plain.Stdout), 16), privileged.Stdout);
            Assert.True((Convert.ToUInt64(Mask(privileged.Stdout), 16) & (1UL << 21)) != 0, "CAP_SYS_ADMIN missing: " + privileged.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private static string Mask(string statusLine) => statusLine.Split(':', 2)[1].Trim();
}
