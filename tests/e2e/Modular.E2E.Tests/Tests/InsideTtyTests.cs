using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Terminals: run -t gets a pty; exec -it in a real terminal (tmux) sees its size and resizes; ctrl-p ctrl-q detaches.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideTtyTests(PrivateDaemon daemon)
{
    private static readonly TimeSpan ScreenTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunWithTtyGivesThePseudoTerminalAsTheStandardStreams()
    {
        var run = await daemon.Docker("run", "-t", "--rm", "busybox", "tty");

        Assert.True(run.ExitCode == 0, run.ToString());
        // The pty's line discipline turns the newline into CRLF: a sign the output really went through a terminal.
        Assert.Matches(@"^/dev/pts/\d+\r\n$", run.Stdout);
    }

    [Fact]
    public async Task InteractiveExecSeesTheTerminalsSizeAndFollowsAResize()
    {
        var name = Names.Unique("exec-tty");
        TmuxTerminal? terminal = null;
        try
        {
            await daemon.RunSleeperAsync(name);
            terminal = await TmuxTerminal.StartAsync(daemon.DockerCommandLine("exec", "-it", name, "sh"), 80, 24);
            await ExpectAsync(terminal, "the shell's prompt", screen => screen.Contains("/ #"));

            var before = await terminal.PaneSizeAsync();
            await terminal.TypeLineAsync("stty size");
            await ExpectAsync(terminal, $"stty size printing {before}", screen => HasLine(screen, $"{before.Rows} {before.Columns}"));

            await terminal.ResizeAsync(100, 30);
            var after = await terminal.PaneSizeAsync();
            Assert.NotEqual(before, after);
            // The CLI forwards SIGWINCH to /exec/{id}/resize asynchronously: ask until the shell's terminal agrees.
            await ExpectAsync(terminal, $"stty size printing {after} after the resize", async screen =>
            {
                if (HasLine(screen, $"{after.Rows} {after.Columns}"))
                {
                    return true;
                }
                await terminal.TypeLineAsync("stty size");
                await Task.Delay(300, TestContext.Current.CancellationToken);
                return false;
            });
        }
        finally
        {
            if (terminal is not null)
            {
                await terminal.DisposeAsync();
            }
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task RunStartsItsProcessWithTheTerminalsSizeAlreadySet()
    {
        TmuxTerminal? terminal = null;
        try
        {
            // stty runs at once: it sees the size the CLI sent at create, not a resize that may come after it ran
            // (with --network none the runtime creates and starts the container in one call).
            string[] script = ["sh", "-c", "\"$@\"; printf '\\ndocker exited %s\\n' \"$?\"; exec sleep 600", "sh",
                .. daemon.DockerCommandLine("run", "-it", "--rm", "--network", "none", "busybox", "stty", "size")];
            terminal = await TmuxTerminal.StartAsync(script, 91, 27);
            var size = await terminal.PaneSizeAsync();

            await ExpectAsync(terminal, "the CLI to return 0", screen => HasLine(screen, "docker exited 0"));
            var screen = await terminal.CaptureAsync();
            Assert.True(HasLine(screen, $"{size.Rows} {size.Columns}"), $"stty size should print {size}; the terminal shows:\n{screen}");
        }
        finally
        {
            if (terminal is not null)
            {
                await terminal.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CtrlPCtrlQDetachesFromRunAndTheContainerKeepsRunning()
    {
        var name = Names.Unique("detach-keys");
        TmuxTerminal? terminal = null;
        try
        {
            // The CLI's exit status is printed on a line of its own once it returns (the detached shell's prompt is
            // still on the last line); sleep keeps the pane readable after that.
            string[] script = ["sh", "-c", "\"$@\"; printf '\\ndocker exited %s\\n' \"$?\"; exec sleep 600", "sh",
                .. daemon.DockerCommandLine("run", "-it", "--name", name, "busybox", "sh")];
            terminal = await TmuxTerminal.StartAsync(script, 80, 24);
            await ExpectAsync(terminal, "the shell's prompt", screen => screen.Contains("/ #"));
            await terminal.TypeLineAsync("echo inside-$((6*7))");
            await ExpectAsync(terminal, "the shell's answer", screen => HasLine(screen, "inside-42"));

            await terminal.SendKeysAsync("C-p", "C-q");

            await ExpectAsync(terminal, "the CLI to return 0", screen => HasLine(screen, "docker exited 0"));
            Assert.Equal("running true", await daemon.InspectAsync(name, "{{.State.Status}} {{.State.Running}}"));
            var exec = await daemon.Docker("exec", name, "echo", "still here");
            Assert.True(exec.ExitCode == 0 && exec.Stdout == "still here\n", exec.ToString());
        }
        finally
        {
            if (terminal is not null)
            {
                await terminal.DisposeAsync();
            }
            await daemon.Docker("rm", "-f", name);
        }
    }

    private static bool HasLine(string screen, string line) =>
        screen.Split('\n').Any(l => l.TrimEnd() == line);

    private static Task ExpectAsync(TmuxTerminal terminal, string what, Func<string, bool> condition) =>
        ExpectAsync(terminal, what, screen => Task.FromResult(condition(screen)));

    private static async Task ExpectAsync(TmuxTerminal terminal, string what, Func<string, Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + ScreenTimeout;
        while (true)
        {
            var screen = await terminal.CaptureAsync();
            if (await condition(screen))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited {ScreenTimeout.TotalSeconds} s for {what}; the terminal shows:\n{screen}");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
