using System.CommandLine;
using System.Diagnostics;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular driver verify &lt;package.nupkg|plugin&gt;</c>: runs the conformance kit against a driver. The kit is
/// xunit, which needs reflection this Native AOT binary does not have, so the run happens in <c>modular-verify</c>
/// (shipped in <c>verify/</c> beside this binary); this command finds the driver and hands over.
/// </summary>
internal static class DriverCommands
{
    public const string VerifierEnvironmentVariable = "MODULAR_VERIFY";

    public static Command Build()
    {
        var driver = new Command("driver", "Work with storage, network and logging drivers");
        var verify = new Command("verify", "Run the conformance kit against a driver package or an installed plugin");
        var target = new Argument<string>("PACKAGE|PLUGIN") { Description = "A driver package (.nupkg) or the name of an installed plugin" };
        var name = new Option<string?>("--driver") { Description = "Which of the plugin's drivers to verify, when it has several" };
        verify.Arguments.Add(target);
        verify.Options.Add(name);
        driver.Subcommands.Add(verify);

        CommandRunner.SetAction(verify, async (context, result, cancellationToken) =>
        {
            var what = result.GetValue(target)!;
            string source;
            if (File.Exists(what) || Directory.Exists(what))
            {
                source = Path.GetFullPath(what);
            }
            else
            {
                using var api = new PluginApiClient(context.Host);
                var plugin = await api.GetAsync(what, cancellationToken).ConfigureAwait(false);
                source = plugin.GetProperty("Path").GetString()!;
            }
            var arguments = new List<string> { source };
            if (result.GetValue(name) is { Length: > 0 } driverName)
            {
                arguments.AddRange(["--driver", driverName]);
            }
            return await RunVerifierAsync(arguments, cancellationToken).ConfigureAwait(false);
        });
        return driver;
    }

    private static async Task<int> RunVerifierAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var verifier = Environment.GetEnvironmentVariable(VerifierEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "verify", "modular-verify");
        if (!File.Exists(verifier))
        {
            throw new CliStatusException(1, $"Error: the driver verifier is not installed: {verifier} is missing (set {VerifierEnvironmentVariable} to its path)");
        }
        var start = new ProcessStartInfo(verifier) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new CliStatusException(1, $"Error: could not start {verifier}");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode;
    }
}
