using System.Diagnostics;

namespace Modular.E2E.Tests.Harness;

/// <summary>Runs a child process to completion, capturing stdout/stderr, optionally feeding stdin, never longer than a timeout.</summary>
public static class CommandRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }
        var commandLine = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList));

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {commandLine}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await FeedStandardInputAsync(process, standardInput);

        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // A grandchild that inherited the pipes could keep them open forever; do not let it hang the test.
        var drained = Task.WhenAll(stdout, stderr);
        await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(5)));
        return new CommandResult(
            commandLine,
            timedOut ? -1 : process.ExitCode,
            stdout.IsCompletedSuccessfully ? stdout.Result : "",
            stderr.IsCompletedSuccessfully ? stderr.Result : "",
            timedOut);
    }

    private static async Task FeedStandardInputAsync(Process process, string? standardInput)
    {
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
                await process.StandardInput.FlushAsync();
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited (or closed stdin) before reading everything: its exit code tells the story.
        }
    }
}
