using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class SystemInfoTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task DockerInfoReportsDriversKernelAndVersion()
    {
        var info = await daemon.Docker("info");

        Assert.True(info.ExitCode == 0, info.ToString());
        var fields = ServerFields(info.Stdout);
        Assert.Equal("overlay2", fields.GetValueOrDefault("Storage Driver"));
        Assert.False(string.IsNullOrWhiteSpace(fields.GetValueOrDefault("Logging Driver")), info.ToString());
        Assert.Contains(fields.GetValueOrDefault("Cgroup Driver"), new[] { "cgroupfs", "systemd" });
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), fields.GetValueOrDefault("Kernel Version"));
        Assert.False(string.IsNullOrWhiteSpace(fields.GetValueOrDefault("Server Version")), info.ToString());
    }

    [Fact]
    public async Task DockerVersionShowsTheServerTheApiReports()
    {
        using var response = await daemon.Api.GetAsync("version", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        var apiVersion = JsonDocument.Parse(body).RootElement.GetProperty("Version").GetString();

        var version = await daemon.Docker("version");
        var serverVersion = await daemon.Docker("version", "--format", "{{.Server.Version}}");

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Contains("Server:", version.Stdout);
        Assert.False(string.IsNullOrWhiteSpace(apiVersion), body);
        Assert.Equal(apiVersion + "\n", serverVersion.Stdout);
    }

    /// <summary>`docker info` prints "  Key: value" lines; the first occurrence of each key wins (the server section's).</summary>
    private static Dictionary<string, string> ServerFields(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 2)..].Trim());
            }
        }
        return fields;
    }
}
