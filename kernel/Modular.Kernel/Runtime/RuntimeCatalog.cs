using Modular.Kernel.Configuration;
using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>The OCI runtimes the daemon may run containers with (runc, crun, and those named in daemon.json).</summary>
public sealed class RuntimeCatalog(DaemonConfig config)
{
    private readonly Dictionary<string, OciRuntime> _runtimes = config.AllRuntimes.ToDictionary(
        r => r.Key, r => new OciRuntime(r.Key, r.Value, config.ExecRoot), StringComparer.Ordinal);

    public string DefaultName => config.DefaultRuntime;

    public IReadOnlyDictionary<string, RuntimeConfig> Configured => config.AllRuntimes;

    public IEnumerable<OciRuntime> All => _runtimes.Values;

    public OciRuntime Get(string name) =>
        _runtimes.TryGetValue(name, out var runtime)
            ? runtime
            : throw DriverException.InvalidArgument($"unknown or invalid runtime name: {name}");
}
