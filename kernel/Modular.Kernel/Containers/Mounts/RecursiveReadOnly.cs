using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Modular.Kernel.Configuration;

namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// Whether read-only binds can be made read-only all the way down (the OCI "rro" mount option, Docker 25+): the
/// kernel needs mount_setattr (5.12) and the runtime must list "rro" in the mountOptions of `&lt;runtime&gt; features`.
/// Each runtime is asked once; the reason it cannot is kept in dockerd's words.
/// </summary>
public sealed class RecursiveReadOnly(DaemonConfig config)
{
    private static readonly Version MountSetattrKernel = new(5, 12);
    private static readonly TimeSpan FeaturesTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Lazy<string?>> _byRuntime = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="runtime"/> (a configured runtime's name) can mount "rro"; otherwise why not.</summary>
    public string? WhyUnsupported(string runtime)
    {
        if (Environment.OSVersion.Version < MountSetattrKernel)
        {
            return "rro is not supported: failed to call mount_setattr: function not implemented (kernel is older than 5.12?)";
        }
        return _byRuntime.GetOrAdd(runtime, name => new Lazy<string?>(() => Probe(name))).Value;
    }

    private string? Probe(string runtime)
    {
        if (!config.AllRuntimes.TryGetValue(runtime, out var configured))
        {
            return $"rro is not supported by runtime \"{runtime}\": OCI features struct is not available";
        }
        var options = MountOptionsOf(configured.Path);
        if (options is null)
        {
            return $"rro is not supported by runtime \"{runtime}\": OCI features struct is not available";
        }
        return options.Contains("rro") ? null : $"rro is not supported by runtime \"{runtime}\"";
    }

    // `features` prints the OCI features document (runtime-spec features.md); runtimes without it print an error.
    private static HashSet<string>? MountOptionsOf(string binary)
    {
        try
        {
            var start = new ProcessStartInfo(binary, ["features"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(FeaturesTimeout))
            {
                process.Kill();
                return null;
            }
            if (process.ExitCode != 0)
            {
                return null;
            }
            using var features = JsonDocument.Parse(output.GetAwaiter().GetResult());
            if (!features.RootElement.TryGetProperty("mountOptions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            return list.EnumerateArray().Select(o => o.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
