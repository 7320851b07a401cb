using System.Diagnostics;
using Modular.Kernel.Configuration;
using Modular.Sdk;
using Modular.Shim.Protocol;

namespace Modular.Kernel.Runtime.Shims;

/// <summary>
/// Starts a container's modular-shim, which runs the runtime's `create` and then keeps the container's stdio and exit
/// status for as long as it runs, whatever happens to the daemon. State lives in <c>&lt;exec-root&gt;/shims/&lt;id&gt;</c>.
/// </summary>
public sealed class ShimLauncher(DaemonConfig config)
{
    /// <summary>The shim binary: next to modulard, unless MODULAR_SHIM names another (tests of a build tree).</summary>
    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("MODULAR_SHIM") is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "modular-shim");

    public string StateDirectoryOf(string containerId) => Path.Combine(config.ExecRoot, "shims", containerId);

    /// <summary>
    /// Creates the container through its shim and attaches to it; with <paramref name="start"/> the shim also starts it
    /// (`run --detach`, one runtime process instead of create and start). The runtime's errors are thrown in its words.
    /// </summary>
    public async Task<ShimSession> CreateAsync(OciRuntime runtime, string containerId, string bundle, bool tty, bool openStdin, bool start,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(runtime.StateRoot);
        var stateDirectory = StateDirectoryOf(containerId);
        if (Directory.Exists(stateDirectory))
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
        var launch = new ProcessStartInfo(BinaryPath) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var word in Arguments(runtime, containerId, bundle, stateDirectory, tty, openStdin, start))
        {
            launch.ArgumentList.Add(word);
        }
        string? report;
        using (var shim = Process.Start(launch) ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {BinaryPath}"))
        {
            // The shim writes one line and then closes its stdout; it stays running, detached, when all went well.
            report = await shim.StandardOutput.ReadLineAsync(cancellationToken);
        }
        var (verb, argument) = report is null ? ("", "") : ShimMessage.Parse(report);
        if (verb == ShimMessage.Failed)
        {
            TryDelete(stateDirectory);
            throw runtime.CreateFailure(bundle, ShimMessage.FromOneLine(argument));
        }
        if (verb != ShimMessage.Created)
        {
            TryDelete(stateDirectory);
            throw new DriverException(DriverErrorKind.Internal, $"modular-shim ended without creating the container (it said \"{report}\")");
        }
        return ShimSession.TryAttach(stateDirectory)
            ?? throw new DriverException(DriverErrorKind.Internal, "modular-shim created the container but does not answer");
    }

    /// <summary>Reattaches to the shim of a container that ran while the daemon was away; null when its shim is gone.</summary>
    public ShimSession? TryReattach(string containerId) => ShimSession.TryAttach(StateDirectoryOf(containerId));

    /// <summary>The status a shim that is gone recorded for its container, if any.</summary>
    public int? RecordedExit(string containerId) => ShimSession.RecordedExit(StateDirectoryOf(containerId));

    /// <summary>Forgets a container's shim state once its exit is recorded.</summary>
    public void Forget(string containerId) => TryDelete(StateDirectoryOf(containerId));

    private static IEnumerable<string> Arguments(OciRuntime runtime, string containerId, string bundle, string stateDirectory, bool tty, bool openStdin,
        bool start)
    {
        yield return "--id";
        yield return containerId;
        yield return "--bundle";
        yield return bundle;
        yield return "--state-dir";
        yield return stateDirectory;
        yield return "--runtime";
        yield return runtime.BinaryPath;
        yield return "--runtime-root";
        yield return runtime.StateRoot;
        foreach (var argument in runtime.GlobalArguments)
        {
            yield return "--runtime-arg";
            yield return argument;
        }
        if (tty)
        {
            yield return "--tty";
        }
        if (openStdin)
        {
            yield return "--stdin";
        }
        if (start)
        {
            yield return "--start";
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover folder is removed at the next start of the same container or by the reconciler.
        }
    }
}
