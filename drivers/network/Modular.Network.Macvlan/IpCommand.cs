using System.Diagnostics;
using Modular.Sdk;

namespace Modular.Network.Macvlan;

/// <summary>
/// iproute2's <c>ip</c>, in the host's namespace or (through <c>nsenter</c>) in a container's; a failure becomes a
/// DriverException carrying the tool's own words.
/// </summary>
internal static class IpCommand
{
    public static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    /// <summary>Runs <c>ip -batch -</c> with one command per line.</summary>
    public static void Batch(IEnumerable<string> commands) => Run("ip", ["-batch", "-"], string.Join('\n', commands) + "\n");

    /// <summary>Runs <c>ip -batch -</c> inside the network namespace at <paramref name="sandboxKey"/>.</summary>
    public static void BatchInside(string sandboxKey, IEnumerable<string> commands) =>
        Run("nsenter", [$"--net={sandboxKey}", "ip", "-batch", "-"], string.Join('\n', commands) + "\n");

    private static void Run(string program, IReadOnlyList<string> arguments, string stdin)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {program}");
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new DriverException(DriverErrorKind.Internal, $"{program} {string.Join(' ', arguments)} failed: {stderr.Result.Trim()} ({stdin.Trim().Replace('\n', ';')})");
        }
    }
}
