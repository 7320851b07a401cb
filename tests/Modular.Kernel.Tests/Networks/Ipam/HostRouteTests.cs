using Modular.Kernel.Networks;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Ipam;

public sealed class HostRouteTests
{
    [Fact]
    public void The_hosts_routes_are_read_from_proc_without_default_routes_or_excluded_devices()
    {
        var routes = IpamPlanner.HostRoutes(new HashSet<string>());
        var ipOutput = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", ["-4", "route", "show", "table", "main"]) { RedirectStandardOutput = true })!;
        var lines = ipOutput.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ipOutput.WaitForExit();

        foreach (var line in lines.Where(l => !l.StartsWith("default", StringComparison.Ordinal) && l.Split(' ')[0].Contains('/')))
        {
            Assert.Contains(Ipv4Subnet.Parse(line.Split(' ')[0]), routes);
        }
        Assert.DoesNotContain(routes, r => r.PrefixLength == 0);
        var device = lines.First(l => l.Contains(" dev ")).Split(" dev ")[1].Split(' ')[0];
        Assert.True(IpamPlanner.HostRoutes(new HashSet<string> { device }).Count < Math.Max(routes.Count, 1) || routes.Count == 0);
    }
}
