namespace Modular.E2E.Tests.Harness;

/// <summary>What a finished (or timed-out) child process left behind.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>Every field, so that a failed assertion explains itself without re-running anything.</summary>
    public override string ToString() =>
        $"`{CommandLine}` exited {(TimedOut ? "(timed out, killed)" : ExitCode.ToString())}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
