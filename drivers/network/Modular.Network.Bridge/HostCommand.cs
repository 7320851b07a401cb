using System.Diagnostics;
using Modular.Sdk;

namespace Modular.Network.Bridge;

/// <summary>Runs the host's networking tools (ip, nsenter, nft); a failure becomes a DriverException with the tool's words.</summary>
internal static class HostCommand
{
    public static string Run(string program, IReadOnlyList<string> arguments, string? stdin = null)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)
            ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {program}");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new DriverException(DriverErrorKind.Internal,
                $"{program} {string.Join(' ', arguments)} failed: {stderr.Result.Trim()}");
        }
        return stdout;
    }
}
