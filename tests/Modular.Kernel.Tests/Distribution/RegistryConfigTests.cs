using Modular.Kernel.Configuration;
using Xunit;

namespace Modular.Kernel.Tests.Distribution;

public sealed class RegistryConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modular-registry-config-").FullName;

    [Fact]
    public void The_transfer_limits_and_registry_lists_are_read_from_daemon_json()
    {
        var config = Load("""
            {"max-concurrent-downloads": 7, "max-concurrent-uploads": 2, "max-download-attempts": 9,
             "insecure-registries": ["10.0.0.0/8", "myreg:5000"], "registry-mirrors": ["https://m.example", "ghcr.io=http://127.0.0.1:6000"]}
            """);

        Assert.Equal((7, 2, 9), (config.MaxConcurrentDownloads, config.MaxConcurrentUploads, config.MaxDownloadAttempts));
        Assert.Equal(["10.0.0.0/8", "myreg:5000"], config.InsecureRegistries);
        Assert.Empty(config.InertKeys);
    }

    [Fact]
    public void Defaults_are_docker_s()
    {
        var config = Load("{}");

        Assert.Equal((3, 5, 5), (config.MaxConcurrentDownloads, config.MaxConcurrentUploads, config.MaxDownloadAttempts));
    }

    [Theory]
    [InlineData("{\"max-concurrent-downloads\": 0}", "invalid max concurrent downloads: 0")]
    [InlineData("{\"max-concurrent-uploads\": -1}", "invalid max concurrent uploads: -1")]
    [InlineData("{\"max-download-attempts\": 0}", "invalid max download attempts: 0")]
    [InlineData("{\"max-download-attempts\": \"5\"}", "expected an integer")]
    [InlineData("{\"registry-mirrors\": [\"ftp://mirror\"]}", "registry-mirrors: invalid mirror")]
    public void Bad_values_stop_the_daemon_with_a_named_reason(string json, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(json));

        Assert.Contains(expected, error.Message);
    }

    private DaemonConfig Load(string json)
    {
        var path = Path.Combine(_folder, "daemon.json");
        File.WriteAllText(path, json);
        return DaemonConfigLoader.Load(path, new Dictionary<string, object>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
